import Foundation
import Hummingbird
import Ledger
import NIOPosix
import Packets

/// `GET /packets/:id/files/:name`: the packet is verified as the document is taken out of it, and only a valid
/// packet's document is sent (Decision 17/2019 Art 4.3). The copy lives in a private temporary folder only while it
/// is read: the file is unlinked before the first byte is sent.
struct DownloadRoutes {
    let services: WebServices

    func register(on group: RouterGroup<WebContext>) {
        group.get("/packets/:id/files/:name") { _, context in try await download(context) }
    }

    private func download(_ context: WebContext) async throws -> Response {
        let access = PacketAccess(services: services)
        let record = try await access.record(context.parameters.get("id"), context)
        let asked = context.parameters.get("name")?.removingPercentEncoding?.precomposedStringWithCanonicalMapping
        guard let asked,
            let file = record.files.first(where: { $0.name.precomposedStringWithCanonicalMapping == asked })
        else {
            throw PacketAccess.notFound
        }
        let desk = services.desk
        let folder = try Self.privateFolder()
        let path = folder + "/document"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let outcome = try await NIOThreadPool.singleton.runIfActive {
            try PacketVerification.verify(record, desk: desk, keep: (asked, path))
        }
        if case .invalid(let why) = outcome {
            throw HTTPError(.conflict, message: "Gói tin không qua được kiểm tra nên không tải tệp: " + why)
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw HTTPError(.conflict, message: "Không đọc được tệp trong gói tin.")
        }
        try await access.recordAccess(record, action: "download", file: file.name, context)
        try? FileManager.default.removeItem(atPath: folder)
        let body = ResponseBody(contentLength: Int(file.size)) { writer in
            defer { try? handle.close() }
            while let chunk = try handle.read(upToCount: 64 * 1024), !chunk.isEmpty {
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: file.mediaType.isEmpty ? "application/octet-stream" : file.mediaType,
                .contentDisposition: ContentDisposition.attachment(file.name),
            ], body: body)
    }

    /// A new folder only this process's user can read.
    static func privateFolder() throws -> String {
        let folder = NSTemporaryDirectory() + "lienthong-web-" + RandomToken.make().prefix(16)
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return folder
    }
}
