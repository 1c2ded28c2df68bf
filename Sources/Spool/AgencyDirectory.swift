import Foundation
import Packets
import Signing

/// Every agency registered in a spool, read from `agencies/*/agency.yaml`.
public struct AgencyDirectory: Sendable {
    /// The agencies by code.
    public let agencies: [AgencyCode: AgencyConfig]

    /// A directory of the agencies given.
    public init(agencies: [AgencyCode: AgencyConfig]) {
        self.agencies = agencies
    }

    /// Reads every agency folder; a folder whose name is not an agency code is refused.
    public static func load(_ spool: SpoolLayout) throws(ConfigError) -> AgencyDirectory {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: spool.agencies)
        } catch {
            throw ConfigError(file: spool.agencies, message: "cannot list agencies: \(error.localizedDescription)")
        }
        var agencies: [AgencyCode: AgencyConfig] = [:]
        for name in names.sorted() where !name.hasPrefix(".") {
            guard let code = AgencyCode(name), code.rawValue == name else {
                throw ConfigError(
                    file: spool.agencies + "/" + name, message: "the folder name is not an agency code NNN.NN.NN.Xnn")
            }
            agencies[code] = try AgencyConfig.load(code, in: spool)
        }
        return AgencyDirectory(agencies: agencies)
    }

    /// The certificates registered for `code`, or nil when the agency is unknown or its certificates unreadable.
    public func certificates(for code: AgencyCode) -> [Certificate]? {
        guard let agency = agencies[code] else { return nil }
        return try? agency.certificates()
    }
}
