import COpenSSL

/// An owned OpenSSL memory BIO: bytes go in, or are collected from it.
final class MemoryBIO {
    let pointer: OpaquePointer

    /// An empty, writable memory BIO.
    init() throws {
        pointer = try OpenSSLError.nonNull(BIO_new(BIO_s_mem()), "BIO_new")
    }

    /// A memory BIO holding a copy of `bytes`.
    convenience init(_ bytes: some Collection<UInt8>) throws {
        try self.init()
        let copy = Array(bytes)
        guard !copy.isEmpty else { return }
        let written = copy.withUnsafeBytes { BIO_write(pointer, $0.baseAddress, Int32($0.count)) }
        guard written == Int32(copy.count) else { throw OpenSSLError.drain("BIO_write") }
    }

    deinit { BIO_free(pointer) }

    /// Everything written into the BIO so far.
    var bytes: [UInt8] {
        var data: UnsafeMutablePointer<CChar>?
        let count = COpenSSL_BIO_get_mem_data(pointer, &data)
        guard count > 0, let data else { return [] }
        return data.withMemoryRebound(to: UInt8.self, capacity: count) {
            Array(UnsafeBufferPointer(start: $0, count: count))
        }
    }

    /// Everything written into the BIO so far, as UTF-8 text.
    var string: String { String(decoding: bytes, as: UTF8.self) }
}
