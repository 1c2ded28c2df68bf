import DurableIO
import Foundation

/// Names of the files the office adds beside delivered documents in `inbox/<packet-id>/` (the legal-value notice,
/// metadata.json, its signature, the packet file): a document the sender named the same keeps its name, and the
/// office's file gets ` (LienThong)` before its extension instead — never overwriting what was sent.
enum InboxFiles {
    static func path(_ name: String, in folder: String) -> String {
        let plain = folder + "/" + name
        guard FileSystem.exists(RawPath(plain)) else { return plain }
        let ext = (name as NSString).pathExtension
        let stem = (name as NSString).deletingPathExtension
        var candidate = folder + "/" + stem + " (LienThong)" + (ext.isEmpty ? "" : "." + ext)
        var copy = 2
        while FileSystem.exists(RawPath(candidate)) {
            candidate = folder + "/" + stem + " (LienThong \(copy))" + (ext.isEmpty ? "" : "." + ext)
            copy += 1
        }
        return candidate
    }
}
