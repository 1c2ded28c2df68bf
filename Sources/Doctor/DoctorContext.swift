import Foundation
import Packets
import Spool

#if canImport(Glibc)
import Glibc
#endif

/// The spool as the checks see it: its layout, the settings, and its configuration read once (the configuration
/// family reports what failed to load; the other families use what loaded).
public final class DoctorContext: Sendable {
    public let spool: SpoolLayout
    public let settings: DoctorSettings
    /// office.yaml: nil when the file does not exist (the office then uses its defaults).
    public let office: Result<OfficeConfig, ConfigError>?
    /// Each folder under `agencies/`, by name, with its agency.yaml read.
    public let agencyFolders: [(name: String, config: Result<AgencyConfig, ConfigError>)]

    /// Reads the configuration of `spool`.
    public init(spool: SpoolLayout, settings: DoctorSettings) {
        self.spool = spool
        self.settings = settings
        if access(spool.officeConfig, F_OK) == 0 {
            do throws(ConfigError) {
                office = .success(try OfficeConfig.load(spool.officeConfig))
            } catch {
                office = .failure(error)
            }
        } else {
            office = nil
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: spool.agencies)) ?? []).filter {
            !$0.hasPrefix(".")
        }.sorted()
        agencyFolders = names.map { name -> (name: String, config: Result<AgencyConfig, ConfigError>) in
            guard let code = AgencyCode(name), code.rawValue == name else {
                return (
                    name,
                    .failure(
                        ConfigError(
                            file: spool.agencies + "/" + name,
                            message: "the folder name is not an agency code NNN.NN.NN.Xnn"))
                )
            }
            do throws(ConfigError) {
                return (name, .success(try AgencyConfig.load(code, in: spool)))
            } catch {
                return (name, .failure(error))
            }
        }
    }

    /// The office settings in force: office.yaml's, or the defaults when it is missing or broken.
    public var officeConfig: OfficeConfig { (try? office?.get()) ?? OfficeConfig() }

    /// The agencies whose agency.yaml loaded.
    public var agencies: [AgencyConfig] { agencyFolders.compactMap { try? $0.config.get() } }

    /// `path` relative to the spool when inside it (for subjects), else as it is.
    public func relative(_ path: String) -> String {
        path.hasPrefix(spool.root + "/") ? String(path.dropFirst(spool.root.count + 1)) : path
    }

    /// A configuration error's location, spool-relative: `agencies/X/agency.yaml:3:7`.
    public func location(_ error: ConfigError) -> String {
        var text = relative(error.file)
        if let line = error.line { text += ":\(line)" }
        if let column = error.column { text += ":\(column)" }
        return text
    }

    /// The journal file.
    public var journalPath: String { spool.state + "/journal.jsonl" }
    /// The index database.
    public var indexPath: String { spool.state + "/index.sqlite" }
}
