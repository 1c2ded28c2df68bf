// CLinux: Linux calls Swift's Glibc module does not expose. glibc declares renameat2 and
// copy_file_range only under _GNU_SOURCE, so they are reached through syscall(2), which is variadic;
// <sys/vfs.h> (statfs) is simply not part of the Glibc module.
#ifndef LIENTHONG_CLINUX_SHIM_H
#define LIENTHONG_CLINUX_SHIM_H

#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/vfs.h>
#include <unistd.h>

/// renameat2(2) with RENAME_NOREPLACE: fails with EEXIST instead of replacing the destination.
static inline int CLinux_rename_noreplace(const char *source, const char *destination) {
    return (int)syscall(SYS_renameat2, -100 /* AT_FDCWD */, source, -100 /* AT_FDCWD */, destination, 1u /* RENAME_NOREPLACE */);
}

/// copy_file_range(2) from the current offsets: the kernel copies (or reflinks, or copies server-side on NFS)
/// without the data passing through user space.
static inline long CLinux_copy_file_range(int input, int output, size_t length) {
    return (long)syscall(SYS_copy_file_range, input, (void *)0, output, (void *)0, length, 0u);
}

#endif
