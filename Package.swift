// swift-tools-version:6.1
// LienThong: a watched-folder electronic office for Vietnamese state agencies.
import PackageDescription

let package = Package(
    name: "LienThong",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lienthong", targets: ["lienthong"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // C libraries, behind a modulemap and a shim that wraps only macros and variadics.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CArchive",
            pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]
        ),
        .systemLibrary(name: "CLinux"),
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),

        // One module per concept (see DESIGN.md).
        .target(name: "DurableIO", dependencies: ["CLinux"]),
        .target(name: "ServiceNotify", dependencies: ["CSystemd"]),
        .target(name: "Signing", dependencies: ["COpenSSL"]),
        .target(name: "Archiving", dependencies: ["CArchive"]),
        .target(name: "Packets", dependencies: ["Signing", "Archiving", "DurableIO"]),
        .target(name: "Documents", dependencies: ["Packets", "Signing", "DurableIO"]),
        .target(name: "EdXML", dependencies: ["Packets", "Archiving", "Signing", "DurableIO"]),
        .target(
            name: "Ledger",
            dependencies: [
                "Packets", "Signing", "DurableIO", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]),
        .target(
            name: "Spool",
            dependencies: [
                "Signing", "Packets", "DurableIO", .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            plugins: ["EmbedTemplates"]
        ),
        // Templates/ built into the program (Spool's BuiltinTemplates): one source of truth, nothing copied by hand.
        .executableTarget(name: "embed-templates", path: "Sources/embed-templates"),
        .plugin(name: "EmbedTemplates", capability: .buildTool(), dependencies: ["embed-templates"]),
        // The office's working time: its calendar (working days, hours, holidays) and its clock.
        .target(name: "WorkingTime", dependencies: ["Packets", "Spool"]),
        // Taking drops in: scanning and watching the outboxes, settling, claiming.
        .target(
            name: "Intake",
            dependencies: [
                "DurableIO", "Packets", "Spool", "WorkingTime", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The outage monitor and the paper fallback log, its pages and notices: plain values in, files out.
        .target(
            name: "Fallback",
            dependencies: [
                "DurableIO", "Packets", "Spool", "WorkingTime",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "Office",
            dependencies: [
                "Packets", "Signing", "Archiving", "DurableIO", "Ledger", "Spool", "Documents", "ServiceNotify",
                "WorkingTime", "Intake", "Fallback",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        // Read-only checks of an installed spool (`lienthong doctor`): only modules below Office.
        .target(name: "Doctor", dependencies: ["Spool", "Signing", "Ledger", "DurableIO", "Packets"]),
        .target(name: "Archivist", dependencies: ["Ledger", "Packets", "Signing", "Spool", "DurableIO"]),
        .target(
            name: "Accounts",
            dependencies: [
                "DurableIO", "Packets",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ]
        ),
        .target(
            name: "Web",
            dependencies: [
                "Accounts", "Archivist", "Admin", "Ledger", "Packets", "Spool", "DurableIO",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The admins' commands: agencies, certificates, shares, the delivery queue; each planned, checked, journaled.
        .target(
            name: "Admin",
            dependencies: [
                "Spool", "Signing", "Ledger", "Packets", "Fallback", "Archivist", "Registers", "Accounts",
                "WorkingTime", "DurableIO", .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "Registers",
            dependencies: ["Ledger", "WorkingTime", "Packets", "Spool", "DurableIO"]
        ),
        .executableTarget(
            name: "lienthong",
            dependencies: [
                "Signing", "Archiving", "Packets", "Spool", "DurableIO", "Ledger", "WorkingTime", "Intake", "Fallback",
                "Office",
                "Registers", "Archivist", "Admin",
                "Accounts", "Web", "Doctor", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),

        // Benchmarks are programs, not tests: they print ratios against a baseline run alongside.
        .executableTarget(
            name: "lienthong-bench",
            dependencies: ["Signing", "Archiving", "Packets", "TestSupport"],
            path: "Benchmarks/PackBenchmark"
        ),

        .executableTarget(
            name: "lienthong-watch-bench",
            dependencies: ["Packets", "TestSupport"],
            path: "Benchmarks/WatchBenchmark"
        ),

        .executableTarget(
            name: "lienthong-backup-bench",
            dependencies: ["TestSupport"],
            path: "Benchmarks/BackupBenchmark"
        ),

        .executableTarget(
            name: "lienthong-edxml-bench",
            dependencies: ["EdXML", "TestSupport"],
            path: "Benchmarks/EdXMLBenchmark"
        ),

        .executableTarget(
            name: "lienthong-search-bench",
            dependencies: [
                "Ledger", "Packets", "DurableIO", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Benchmarks/SearchBenchmark"
        ),

        // Tests mirror modules; TestSupport holds what several suites share.
        .target(name: "TestSupport", dependencies: ["Signing"], path: "Tests/TestSupport"),
        .testTarget(name: "SigningTests", dependencies: ["Signing", "TestSupport"]),
        .testTarget(name: "ArchivingTests", dependencies: ["Archiving", "TestSupport"]),
        .testTarget(
            name: "PacketsTests", dependencies: ["Packets", "Signing", "Archiving", "DurableIO", "TestSupport"]),
        .testTarget(name: "SpoolTests", dependencies: ["Spool", "Signing", "TestSupport"]),
        .testTarget(name: "DocumentsTests", dependencies: ["Documents", "Signing", "TestSupport"]),
        .testTarget(name: "EdXMLTests", dependencies: ["EdXML", "TestSupport"]),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger", "Packets", "DurableIO", "TestSupport"]),
        .testTarget(name: "WorkingTimeTests", dependencies: ["WorkingTime", "Spool", "Packets", "TestSupport"]),
        .testTarget(name: "IntakeTests", dependencies: ["Intake", "Spool", "Packets", "DurableIO", "TestSupport"]),
        .testTarget(
            name: "FallbackTests",
            dependencies: [
                "Fallback", "WorkingTime", "Spool", "Packets", "DurableIO", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "OfficeTests",
            dependencies: [
                "Office", "Intake", "WorkingTime", "Ledger", "Spool", "Packets", "DurableIO", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "RegistersTests", dependencies: ["Registers", "Spool", "TestSupport"]),
        .testTarget(
            name: "WebTests",
            dependencies: [
                "Web", "Accounts", "Ledger", "Packets", "Spool", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "DoctorTests", dependencies: ["Doctor", "Spool", "Signing", "Ledger", "Packets", "TestSupport"]),
        .testTarget(name: "DurableIOTests", dependencies: ["DurableIO", "TestSupport"]),
        .testTarget(name: "AdminTests", dependencies: ["Admin", "Spool", "TestSupport"]),
        .testTarget(name: "AccountsTests", dependencies: ["Accounts", "Packets", "TestSupport"]),
        .testTarget(
            name: "ArchivistTests",
            dependencies: ["Archivist", "Ledger", "Packets", "Signing", "Spool", "DurableIO", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Packets", "Signing", "Archiving", "TestSupport"]),
    ]
)
