import Archiving
import Foundation
import Packets

/// The office's settings, from `office.yaml` (DESIGN.md, "office.yaml"). A value that is wrong is refused with
/// its file, line and column; a key that is missing takes the default shown in `OfficeDefaults.officeYAML`.
public struct OfficeConfig: Sendable, Equatable {
    /// How outboxes are watched.
    public enum WatchMode: String, Sendable, Equatable {
        /// inotify on local file systems, polling on network and FUSE ones.
        case auto
        case inotify
        case poll
    }

    public struct Watch: Sendable, Equatable {
        public var mode: WatchMode = .auto
        public var pollInterval: Duration = .seconds(2)
        /// A file is taken once its size and modification time have not changed for this long.
        public var settle: Duration = .seconds(1)
        /// A full rescan of every outbox, whatever the mode: the safety net for lost events.
        public var rescanInterval: Duration = .seconds(60)
        /// How long a document waits for its sidecar (or a sidecar for its document) before it is returned.
        public var sidecarWait: Duration = .seconds(30 * 60)
        /// How long a drop with an incomplete file (a PDF without `%%EOF`, an Office file without its closing
        /// record) is held, counted from the file's last change, before it is returned; it is never sent so.
        public var incompleteWait: Duration = .seconds(30 * 60)
    }

    /// A span of working time in a day, in minutes from midnight.
    public struct WorkingSpan: Sendable, Equatable {
        public let start: Int
        public let end: Int

        public init(start: Int, end: Int) {
            self.start = start
            self.end = end
        }
    }

    public struct Calendar: Sendable, Equatable {
        public var timeZone: TimeZone = Timestamp.vietnam
        /// ISO weekdays, 1 = Monday … 7 = Sunday.
        public var workingDays: Set<Int> = [1, 2, 3, 4, 5]
        public var workingHours: [WorkingSpan] = [
            WorkingSpan(start: 7 * 60 + 30, end: 11 * 60 + 30),
            WorkingSpan(start: 13 * 60 + 30, end: 17 * 60),
        ]
        public var holidays: Set<CalendarDate> = []
    }

    public struct Outage: Sendable, Equatable {
        /// Working time a route may fail before the paper fallback starts (Decision 17/2019 Art 8.1: 4 hours).
        public var threshold: Duration = .seconds(4 * 3600)
        /// Where the paper fallback log and incident reports go: absolute, or relative to the spool.
        public var fallbackDirectory: String = "fallback"
        public var retryInitial: Duration = .seconds(30)
        public var retryMax: Duration = .seconds(15 * 60)

        /// The fallback folder of `spool`: `fallbackDir` itself when absolute, else inside the spool.
        public func fallbackPath(_ spool: SpoolLayout) -> String {
            fallbackDirectory.hasPrefix("/") ? fallbackDirectory : spool.path(fallbackDirectory)
        }
    }

    /// Where `lienthong watch` serves `GET /metrics` (Prometheus text format): `metrics: { listen: HOST:PORT }`.
    public struct Metrics: Sendable, Equatable {
        /// A host name, an IPv4 address, or an IPv6 address (written in brackets in office.yaml).
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// `HOST:PORT` as office.yaml writes it.
        public var listen: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// The clerks' folders rotated by the daemon: `rotate: { every: 24h, keepFor: 30d, to: /mnt/old }`.
    public struct Rotate: Sendable, Equatable {
        /// How often the daemon rotates (the first run comes one `every` after it starts).
        public var every: Duration = .seconds(86_400)
        /// Handled entries older than this leave the folders' top level.
        public var keepFor: Duration = .seconds(30 * 86_400)
        /// Another place (a share) for the dated folders: `<to>/<code>/<folder>/<YYYY>/<MM>/`; nil keeps them in the
        /// folder itself (`<folder>/<YYYY>/<MM>/`).
        public var to: String?

        public init() {}
    }

    /// office.yaml `backup: { to: /mnt/backup, at: "02:00", every: 24h, keep: 14 }`: the daemon's backups.
    public struct Backup: Sendable, Equatable {
        /// The folder the backups are kept in (absolute).
        public var to: String
        /// The time of day (office time zone) a backup starts, as minutes after midnight; nil: every `every` from
        /// the last one.
        public var at: Int?
        public var every: Duration = .seconds(86_400)
        /// Completed backups kept in `to` (the oldest beyond are removed); nil keeps them all.
        public var keep: Int?
        /// A failed backup is tried again after this long.
        public var retry: Duration = .seconds(3600)
        /// With a passphrase file, the private keys go into the backups too, sealed under it.
        public var passphraseFile: String?

        public init(to: String) { self.to = to }
    }

    public var watch = Watch()
    public var calendar = Calendar()
    public var outage = Outage()
    public var archiveFormat: ArchiveFormat = .tar
    /// Off (nil) unless office.yaml has `metrics: { listen: HOST:PORT }`.
    public var metrics: Metrics?
    /// Off (nil) unless office.yaml has `rotate:`; `lienthong rotate` works either way.
    public var rotate: Rotate?
    /// Off (nil) unless office.yaml has `backup:`; `lienthong backup create` works either way.
    public var backup: Backup?

    public init() {}

    /// Reads and checks office.yaml.
    public static func load(_ path: String) throws(ConfigError) -> OfficeConfig {
        try parse(try ConfigNode.load(file: path))
    }

    /// Checks parsed office.yaml.
    public static func parse(_ root: ConfigNode) throws(ConfigError) -> OfficeConfig {
        var config = OfficeConfig()
        let sections = try root.mapping(allowed: [
            "watch", "calendar", "outage", "archive", "metrics", "rotate", "backup",
        ])
        if let watch = sections["watch"] {
            let keys = try watch.mapping(allowed: [
                "mode", "pollInterval", "settle", "rescanInterval", "sidecarWait", "incompleteWait",
            ])
            if let mode = keys["mode"] {
                guard let value = WatchMode(rawValue: try mode.string()) else {
                    throw mode.error("expected auto, inotify or poll")
                }
                config.watch.mode = value
            }
            if let node = keys["pollInterval"] {
                config.watch.pollInterval = try duration(node, minimum: .milliseconds(50))
            }
            if let node = keys["settle"] { config.watch.settle = try duration(node, minimum: .zero) }
            if let node = keys["rescanInterval"] {
                config.watch.rescanInterval = try duration(node, minimum: .seconds(1))
            }
            if let node = keys["sidecarWait"] { config.watch.sidecarWait = try duration(node, minimum: .seconds(1)) }
            if let node = keys["incompleteWait"] {
                config.watch.incompleteWait = try duration(node, minimum: .seconds(1))
            }
        }
        if let calendar = sections["calendar"] {
            let keys = try calendar.mapping(allowed: ["timeZone", "workingDays", "workingHours", "holidays"])
            if let node = keys["timeZone"] {
                guard let zone = TimeZone(identifier: try node.string()) else {
                    throw node.error("unknown time zone (use e.g. Asia/Ho_Chi_Minh)")
                }
                config.calendar.timeZone = zone
            }
            if let node = keys["workingDays"] {
                let names = ["mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7]
                var days: Set<Int> = []
                for item in try node.list() {
                    guard let day = names[try item.string().lowercased()] else {
                        throw item.error("expected mon, tue, wed, thu, fri, sat or sun")
                    }
                    days.insert(day)
                }
                config.calendar.workingDays = days
            }
            if let node = keys["workingHours"] {
                var spans: [WorkingSpan] = []
                for item in try node.list() {
                    guard let span = workingSpan(try item.string()) else {
                        throw item.error("expected a span like \"07:30-11:30\"")
                    }
                    if let previous = spans.last, span.start < previous.end {
                        throw item.error("working hours must be in order and must not overlap")
                    }
                    spans.append(span)
                }
                config.calendar.workingHours = spans
            }
            if let node = keys["holidays"] {
                var holidays: Set<CalendarDate> = []
                for item in try node.list() {
                    guard let date = CalendarDate(iso: try item.string()) else {
                        throw item.error("expected a date like 2026-09-02")
                    }
                    holidays.insert(date)
                }
                config.calendar.holidays = holidays
            }
        }
        if let outage = sections["outage"] {
            let keys = try outage.mapping(allowed: ["threshold", "fallbackDir", "retry"])
            if let node = keys["threshold"] { config.outage.threshold = try duration(node, minimum: .zero) }
            if let node = keys["fallbackDir"] {
                let path = try node.string()
                guard !path.isEmpty else { throw node.error("the fallback folder is empty") }
                config.outage.fallbackDirectory = path
            }
            if let retry = keys["retry"] {
                let retryKeys = try retry.mapping(allowed: ["initial", "max"])
                if let node = retryKeys["initial"] {
                    config.outage.retryInitial = try duration(node, minimum: .milliseconds(10))
                }
                if let node = retryKeys["max"] {
                    config.outage.retryMax = try duration(node, minimum: .milliseconds(10))
                }
                if config.outage.retryMax < config.outage.retryInitial {
                    throw retry.error("retry.max is shorter than retry.initial")
                }
            }
        }
        if let archive = sections["archive"] {
            let keys = try archive.mapping(allowed: ["format"])
            if let node = keys["format"] {
                guard let format = ArchiveFormat(rawValue: try node.string()) else {
                    throw node.error("expected tar or zip")
                }
                config.archiveFormat = format
            }
        }
        if let metrics = sections["metrics"] {
            let keys = try metrics.mapping(allowed: ["listen"])
            guard let node = keys["listen"] else {
                throw metrics.error("expected listen: HOST:PORT, like { listen: 127.0.0.1:9464 }")
            }
            let text = try node.string()
            guard let address = listenAddress(text) else {
                throw node.error("\"\(text)\" is not HOST:PORT with a port from 1 to 65535, like 127.0.0.1:9464")
            }
            config.metrics = address
        }
        if let rotate = sections["rotate"] {
            let keys = try rotate.mapping(allowed: ["every", "keepFor", "to"])
            var value = Rotate()
            if let node = keys["every"] { value.every = try duration(node, minimum: .seconds(1)) }
            if let node = keys["keepFor"] { value.keepFor = try duration(node, minimum: .seconds(3600)) }
            if let node = keys["to"] {
                let path = try node.string()
                guard path.hasPrefix("/") else { throw node.error("expected an absolute path, like /mnt/luu-tru") }
                value.to = path
            }
            config.rotate = value
        }
        if let backup = sections["backup"] { config.backup = try backupSchedule(backup) }
        return config
    }

    private static func backupSchedule(_ node: ConfigNode) throws(ConfigError) -> Backup {
        let keys = try node.mapping(allowed: ["to", "at", "every", "keep", "retry", "passphraseFile"])
        guard let to = keys["to"] else { throw node.error("expected to: an absolute path, like /mnt/backup") }
        let path = try to.string()
        guard path.hasPrefix("/") else { throw to.error("expected an absolute path, like /mnt/backup") }
        var value = Backup(to: path)
        if let at = keys["at"] {
            let text = try at.string()
            let parts = text.split(separator: ":")
            guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let hour = Int(parts[0]),
                let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute)
            else { throw at.error("expected a time of day like \"02:00\"") }
            value.at = hour * 60 + minute
        }
        if let every = keys["every"] { value.every = try duration(every, minimum: .seconds(1)) }
        if let retry = keys["retry"] { value.retry = try duration(retry, minimum: .seconds(1)) }
        if let keep = keys["keep"] {
            guard let count = Int(try keep.string()), count >= 1 else {
                throw keep.error("expected a count, 1 or more")
            }
            value.keep = count
        }
        if let file = keys["passphraseFile"] { value.passphraseFile = try file.string() }
        return value
    }

    /// `HOST:PORT`, `[IPv6]:PORT`; the port from 1 to 65535 (0, "any free port", would leave Prometheus guessing).
    static func listenAddress(_ text: String) -> Metrics? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        let portText = text[text.index(after: colon)...]
        guard !portText.isEmpty, portText.allSatisfy(\.isASCII), portText.allSatisfy(\.isNumber), portText.count <= 5,
            let port = Int(portText), (1...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") || host.hasSuffix("]") {
            guard host.hasPrefix("["), host.hasSuffix("]"), host.count > 2 else { return nil }
            host = String(host.dropFirst().dropLast())
            guard host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return nil }
        } else {
            // A bare IPv6 address would be ambiguous with the port: it must be in brackets.
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
            guard !host.isEmpty, host.allSatisfy(allowed.contains), !host.hasPrefix("-"), !host.hasPrefix(".") else {
                return nil
            }
        }
        return Metrics(host: host, port: port)
    }

    private static func duration(_ node: ConfigNode, minimum: Duration) throws(ConfigError) -> Duration {
        let text = try node.string()
        let value: Duration
        switch DurationText.read(text) {
        case .success(let parsed): value = parsed
        case .failure(.malformed): throw node.error("\"\(text)\" is not a duration like 250ms, 2s, 5m or 4h")
        case .failure(.tooLong):
            throw node.error("\"\(text)\" is too long: at most \(DurationText.format(DurationText.longest))")
        }
        guard value >= minimum else { throw node.error("at least \(DurationText.format(minimum))") }
        return value
    }

    /// `"07:30-11:30"`; `"00:00-24:00"` is the whole day.
    static func workingSpan(_ text: String) -> WorkingSpan? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let start = minutes(String(parts[0])), let end = minutes(String(parts[1])), start < end
        else { return nil }
        return WorkingSpan(start: start, end: end)
    }

    private static func minutes(_ text: String) -> Int? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hours = Int(parts[0]),
            let minutes = Int(parts[1]),
            (0...24).contains(hours), (0..<60).contains(minutes), hours * 60 + minutes <= 24 * 60
        else { return nil }
        return hours * 60 + minutes
    }
}
