// CSystemd: libsystemd's service-manager notification calls (sd_notify(3), sd_watchdog_enabled(3)).
// Only the plain functions are used; the variadic sd_notifyf is not.
#ifndef LIENTHONG_CSYSTEMD_SHIM_H
#define LIENTHONG_CSYSTEMD_SHIM_H

#include <systemd/sd-daemon.h>

#endif
