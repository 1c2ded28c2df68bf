import ArgumentParser
import Foundation
import Spool

/// `--spool DIR`, shared by every command that works on a spool: the folder given, else $LIENTHONG_SPOOL, else ./Spool.
struct SpoolOptions: ParsableArguments {
    @Option(help: "The spool folder (default: $LIENTHONG_SPOOL, else ./Spool).")
    var spool: String?

    /// The spool named on the command line (or by $LIENTHONG_SPOOL, else ./Spool), whether or not it exists yet.
    var layout: SpoolLayout { SpoolLayout.resolve(spool) }

    /// The spool, which must have been made by `lienthong init` (it has agencies/); exit 2 otherwise.
    /// `namingRoot` puts the folder into the advice (`lienthong init --spool DIR`), as `watch` has always said it.
    func existingLayout(namingRoot: Bool = false) throws -> SpoolLayout {
        let layout = self.layout
        guard FileManager.default.fileExists(atPath: layout.agencies) else {
            let advice = namingRoot ? "lienthong init --spool \(layout.root)" : "lienthong init"
            throw CommandFailure("\(layout.root) is not a spool (run `\(advice)` first)", code: 2)
        }
        return layout
    }
}
