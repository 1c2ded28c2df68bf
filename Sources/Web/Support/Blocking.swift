import Foundation

/// Runs blocking work (SQLite, packet verification, bcrypt) off Swift's cooperative thread pool, so a slow hash or a
/// large packet does not stall the server's other requests.
enum Blocking {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }
}
