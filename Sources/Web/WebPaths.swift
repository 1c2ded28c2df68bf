/// The web UI's addresses (Vietnamese, as users see them; `/login` and `/search` are the DESIGN.md contract's names).
public enum WebPaths {
    public static let login = "/dang-nhap"
    public static let logout = "/dang-xuat"
    public static let search = "/"
    public static let apiSearch = "/api/search"
    public static let admin = "/quan-tri"
    public static let stylesheet = "/giao-dien.css"
    /// Records (hồ sơ).
    public static let records = "/ho-so"

    /// The page of record `fileCode`.
    public static func record(_ fileCode: String) -> String { "\(records)/\(fileCode.urlEncoded)" }

    /// The page of packet `id`.
    public static func packet(_ id: String) -> String { "/packets/\(id.urlEncoded)" }
    /// The download of file `name` of packet `id`.
    public static func file(_ id: String, _ name: String) -> String {
        "/packets/\(id.urlEncoded)/files/\(name.urlEncoded)"
    }
}
