// CLinux: Linux calls Swift's Glibc module does not expose. renameat2 is declared by glibc only under
// _GNU_SOURCE, and syscall(2) is variadic; the wrapper below is the whole of this module.
#ifndef LIENTHONG_CLINUX_SHIM_H
#define LIENTHONG_CLINUX_SHIM_H

#include <sys/syscall.h>
#include <unistd.h>

/// renameat2(2) with RENAME_NOREPLACE: fails with EEXIST instead of replacing the destination.
static inline int CLinux_rename_noreplace(const char *source, const char *destination) {
    return (int)syscall(SYS_renameat2, -100 /* AT_FDCWD */, source, -100 /* AT_FDCWD */, destination, 1u /* RENAME_NOREPLACE */);
}

#endif
