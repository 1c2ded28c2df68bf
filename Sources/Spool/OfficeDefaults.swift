/// The office.yaml that `lienthong init` writes into a new spool (the repository's `Spool/office.yaml` is the same
/// text, which a test keeps in step).
public enum OfficeDefaults {
    /// office.yaml with the contract's keys, commented.
    public static let officeYAML = """
        # LienThong office settings. Durations: 250ms, 2s, 5m, 4h.
        watch:
          mode: auto          # auto (inotify on local disks, polling on NFS/SMB/FUSE) | inotify | poll
          pollInterval: 2s
          settle: 1s          # a file is taken once its size and time have not changed for this long

        # Working hours (Decision 17/2019 Art 8.1 counts outages in working time only).
        calendar:
          timeZone: Asia/Ho_Chi_Minh
          workingDays: [mon, tue, wed, thu, fri]
          workingHours: ["07:30-11:30", "13:30-17:00"]
          holidays: ["2026-01-01"]

        outage:
          threshold: 4h                       # of working time before agencies switch to paper
          fallbackDir: fallback               # relative to the spool, or absolute (a local disk)
          retry: { initial: 30s, max: 15m }   # deferred delivery backoff, doubling

        archive:
          format: tar                         # tar | zip

        """
}
