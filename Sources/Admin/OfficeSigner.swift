import Foundation
import Packets
import Signing
import Spool

/// The key and certificate that sign what the office itself writes (a year manifest, a hand-over's manifest): an
/// agency's, since the office has none of its own.
enum OfficeSigner {
    /// `preferred`'s key, else (unless `only`) the first agency's by code that has a usable key and certificate.
    static func identity(preferring preferred: AgencyCode?, only: Bool = false, directory: AgencyDirectory) throws
        -> (code: AgencyCode, signer: CMSSigner)
    {
        let others = only ? [] : directory.agencies.keys.sorted().filter { $0 != preferred }
        let candidates = (preferred.map { [$0] } ?? []) + others
        var problems: [String] = []
        for code in candidates {
            guard let config = directory.agencies[code], let keyPath = config.keyPath else {
                problems.append("\(code): no key")
                continue
            }
            do {
                let key = try PrivateKey.load(path: keyPath, passphrase: config.passphrase)
                guard let certificate = try Certificate.load(path: config.certificatePath).first else {
                    problems.append("\(code): no certificate")
                    continue
                }
                return (code, try CMSSigner(key: key, certificate: certificate))
            } catch {
                problems.append("\(code): \(error)")
            }
        }
        throw AdminRefusal(
            vi: "không có khoá và chứng thư nào để ký.",
            en: "no key and certificate to sign with (\(problems.joined(separator: "; "))).",
            advice: "Dùng --signer CODE của một cơ quan có khoá — give --signer CODE of an agency with a key.")
    }
}
