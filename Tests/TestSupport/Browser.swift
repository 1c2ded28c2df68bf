import Foundation

/// Headless Chromium, to open pages as a user's browser would.
public struct Browser: Sendable {
    /// The browser executable.
    public let executable: String
    /// A throwaway profile, so runs never share state.
    private let profile: TemporaryDirectory

    /// Finds Chromium (`$CHROMIUM`, else `chromium`, `chromium-browser` or `google-chrome` on PATH).
    public init() throws {
        let candidates =
            [ProcessInfo.processInfo.environment["CHROMIUM"]].compactMap { $0 }
            + ["chromium", "chromium-browser", "google-chrome"]
        guard let found = candidates.lazy.compactMap({ $0.contains("/") ? $0 : ProcessRunner.which($0) }).first else {
            throw ProcessError.notFound("chromium")
        }
        executable = found
        profile = TemporaryDirectory("lienthong-chromium")
    }

    private func run(_ arguments: [String]) throws -> ProcessResult {
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        let common = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--user-data-dir=\(profile.path)",
        ]
        let result = try ProcessRunner.run(
            executable, common + arguments, timeout: 120, unset: ProcessRunner.fakedClock)
        guard result.status == 0 else {
            throw ProcessError.failed("chromium \(arguments.joined(separator: " "))", result)
        }
        return result
    }

    /// The page's DOM after the browser parsed it (so its decoding of the bytes is the browser's).
    public func dumpDOM(_ url: String) throws -> String {
        try run(["--dump-dom", url]).stdout
    }

    /// A screenshot of the page (PNG) at `width`×`height` CSS pixels.
    public func screenshot(_ url: String, to png: String, width: Int = 1400, height: Int = 1000) throws {
        _ = try run(["--hide-scrollbars", "--window-size=\(width),\(height)", "--screenshot=\(png)", url])
    }

    /// Prints the page to PDF as the browser's print dialog would (the page's own `@page` size), and returns the
    /// size of its pages in points.
    public func printToPDF(_ url: String, to pdf: String) throws -> [(width: Double, height: Double)] {
        _ = try run(["--no-pdf-header-footer", "--print-to-pdf=\(pdf)", url])
        let bytes = try String(decoding: Data(contentsOf: URL(fileURLWithPath: pdf)), as: UTF8.self)
        let pattern = try NSRegularExpression(pattern: #"/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]"#)
        return pattern.matches(in: bytes, range: NSRange(bytes.startIndex..., in: bytes)).compactMap { match in
            guard let w = Range(match.range(at: 1), in: bytes), let h = Range(match.range(at: 2), in: bytes),
                let width = Double(bytes[w]), let height = Double(bytes[h])
            else { return nil }
            return (width, height)
        }
    }
}
