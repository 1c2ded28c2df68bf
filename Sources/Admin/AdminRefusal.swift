/// Why an admin command changes nothing: the change would break something. Vietnamese first, then English, then
/// what to do instead.
public struct AdminRefusal: Error, Sendable, CustomStringConvertible {
    public let vi: String
    public let en: String
    /// What to do instead, in both languages; empty when there is nothing to add.
    public let advice: String

    public init(vi: String, en: String, advice: String = "") {
        self.vi = vi
        self.en = en
        self.advice = advice
    }

    public var description: String {
        "Từ chối: \(vi)\nRefused: \(en)" + (advice.isEmpty ? "" : "\n\(advice)")
    }
}
