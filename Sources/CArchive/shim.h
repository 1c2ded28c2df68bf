// CArchive: the parts of libarchive that Swift cannot call directly.
// The AE_IF* file type constants are macros with casts, which Swift does not import;
// they are re-exported here as functions. Everything else is called as declared in
// libarchive's own headers.
#ifndef LIENTHONG_CARCHIVE_SHIM_H
#define LIENTHONG_CARCHIVE_SHIM_H

#include <archive.h>
#include <archive_entry.h>

_Static_assert(ARCHIVE_VERSION_NUMBER >= 3006000, "LienThong needs libarchive 3.6 or later");

static inline unsigned int CArchive_AE_IFMT(void) { return (unsigned int)AE_IFMT; }
static inline unsigned int CArchive_AE_IFREG(void) { return (unsigned int)AE_IFREG; }
static inline unsigned int CArchive_AE_IFDIR(void) { return (unsigned int)AE_IFDIR; }
static inline unsigned int CArchive_AE_IFLNK(void) { return (unsigned int)AE_IFLNK; }

#endif
