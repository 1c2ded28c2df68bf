import DurableIO
import Packets

/// What a clerk dropped into an outbox, grouped the way the contract reads it.
public struct Drop: Sendable, Equatable {
    public enum Shape: Sendable, Equatable {
        /// `<name>.json` with the documents beside it (`<name>.pdf`, or `<name>.pdf` + `<name>.pdf.json` …).
        case pair(sidecar: RawName, documents: [RawName])
        /// A folder holding the documents and `metadata.json`.
        case folder(RawName)
        /// One entry on its own: a stray being returned to the clerk.
        case single(RawName)
    }

    public let agency: AgencyCode
    public let shape: Shape
    /// What the settled look saw of each top-level entry (size, modification time, inode), so that a claim can
    /// tell a file that changed after it settled.
    public var seen: [RawName: DirectoryEntry] = [:]

    public init(agency: AgencyCode, shape: Shape, seen: [RawName: DirectoryEntry] = [:]) {
        self.agency = agency
        self.shape = shape
        self.seen = seen
    }

    /// Every top-level name the drop is made of.
    public var names: [RawName] {
        switch shape {
        case .pair(let sidecar, let documents): documents + [sidecar]
        case .folder(let name), .single(let name): [name]
        }
    }

    /// Whether a name is a pair's sidecar (`*.json`, any case).
    public static func isSidecarName(_ name: RawName) -> Bool {
        name.bytes.count > 5 && name.bytes.suffix(5).map { $0 | 0x20 }.elementsEqual(".json".utf8)
    }
}

/// An outbox entry that can never become part of a packet, or has waited too long for its other half.
public struct Stray: Sendable, Equatable {
    public enum Problem: Sendable, Equatable {
        /// A link, FIFO, device or socket: never opened, never followed.
        case notRegularFile(EntryKind)
        /// A document whose sidecar never came.
        case missingSidecar
        /// A sidecar whose documents never came.
        case missingDocument
        /// A folder without `metadata.json`.
        case folderWithoutMetadata
    }

    public let agency: AgencyCode
    public let name: RawName
    public let problem: Problem

    public init(agency: AgencyCode, name: RawName, problem: Problem) {
        self.agency = agency
        self.name = name
        self.problem = problem
    }
}
