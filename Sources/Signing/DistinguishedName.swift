import COpenSSL

/// An X.509 distinguished name, read from a certificate or built for a new one.
public struct DistinguishedName: Sendable, Hashable, CustomStringConvertible {
    /// The attributes in order, as (short name, value): `("CN", "Sở Nội vụ")`.
    public var attributes: [(String, String)]

    /// A name from its attributes, in order.
    public init(_ attributes: [(String, String)]) {
        self.attributes = attributes
    }

    /// The value of the first attribute with this short name (`CN`, `O`, `UID`, `organizationIdentifier` …).
    public subscript(_ shortName: String) -> String? {
        attributes.first { $0.0 == shortName }?.1
    }

    /// All values of attributes with this short name.
    public func values(_ shortName: String) -> [String] {
        attributes.filter { $0.0 == shortName }.map(\.1)
    }

    /// RFC 2253-like one-line form, most specific attribute first (`CN=…,O=…,C=VN`).
    public var description: String {
        attributes.reversed().map { "\($0.0)=\(escape($0.1))" }.joined(separator: ",")
    }

    public static func == (lhs: DistinguishedName, rhs: DistinguishedName) -> Bool {
        lhs.attributes.elementsEqual(rhs.attributes) { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    public func hash(into hasher: inout Hasher) {
        for (key, value) in attributes {
            hasher.combine(key)
            hasher.combine(value)
        }
    }

    private func escape(_ value: String) -> String {
        var out = ""
        for character in value {
            if ",+\"\\<>;=".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }

    /// Reads an `X509_NAME` borrowed from OpenSSL.
    init(borrowing name: OpaquePointer?) {
        var attributes: [(String, String)] = []
        if let name {
            for index in 0..<X509_NAME_entry_count(name) {
                guard let entry = X509_NAME_get_entry(name, index),
                    let object = X509_NAME_ENTRY_get_object(entry),
                    let data = X509_NAME_ENTRY_get_data(entry)
                else { continue }
                let nid = OBJ_obj2nid(object)
                let key: String
                if nid != NID_undef, let shortName = OBJ_nid2sn(nid) {
                    key = String(cString: shortName)
                } else {
                    var buffer = [CChar](repeating: 0, count: 128)
                    OBJ_obj2txt(&buffer, Int32(buffer.count), object, 1)
                    key = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                }
                var utf8: UnsafeMutablePointer<UInt8>?
                let length = ASN1_STRING_to_UTF8(&utf8, data)
                guard length >= 0, let utf8 else { continue }
                attributes.append(
                    (key, String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self)))
                COpenSSL_free(utf8)
            }
        }
        self.attributes = attributes
    }

    /// A new `X509_NAME` owned by the caller.
    func makeX509Name() throws -> OpaquePointer {
        let name = try OpenSSLError.nonNull(X509_NAME_new(), "X509_NAME_new")
        for (key, value) in attributes {
            let added = X509_NAME_add_entry_by_txt(name, key, MBSTRING_UTF8, value, -1, -1, 0)
            guard added == 1 else {
                X509_NAME_free(name)
                throw OpenSSLError.drain("X509_NAME_add_entry_by_txt(\(key))")
            }
        }
        return name
    }
}
