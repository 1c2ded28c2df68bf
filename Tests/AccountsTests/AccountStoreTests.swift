import Accounts
import Foundation
import Packets
import TestSupport
import Testing

/// The accounts store with bcrypt's lowest cost (4): the hash's strength is not what is tested here, and the
/// production default (`PasswordPolicy.defaultCost`) is left as it is.
@Suite struct AccountStoreTests {
    static let password = "mật khẩu dài đủ"
    /// A fixed instant, so nothing here depends on today's date.
    static let created = Date(timeIntervalSince1970: 1_795_509_727)

    let folder = TemporaryDirectory("lienthong-accounts")
    func store() throws -> AccountStore { try AccountStore(path: folder.file("accounts.sqlite"), cost: 4) }

    @Test func anAddedAccountSignsInWithItsPasswordOnly() throws {
        let store = try store()
        try store.add(
            name: "VanThu01", role: .clerk, agency: " 000.00.01.H53 ", grants: [.mat], password: Self.password,
            now: Self.created)
        let account = try #require(try store.authenticate("vanthu01", password: Self.password))
        #expect(account.name == "vanthu01")  // names are case-insensitive, kept in lower case
        #expect(account.role == .clerk)
        #expect(account.agency == "000.00.01.H53")
        #expect(account.grants == [.mat])
        #expect(!account.disabled)
        #expect(account.createdAt == Account.stamp(Self.created))
        #expect(try store.authenticate("VANTHU01", password: Self.password)?.name == "vanthu01")
        #expect(try store.authenticate("vanthu01", password: "sai mật khẩu") == nil)
        #expect(try store.authenticate("vanthu01", password: Self.password.uppercased()) == nil)
        #expect(try store.authenticate("nobody", password: Self.password) == nil)
        #expect(try store.account(named: "VanThu01") == account)
        #expect(try store.list() == [account])
    }

    @Test func theAccountsOutliveTheStoreThatMadeThem() throws {
        try store().add(name: "luutru", role: .archivist, agency: nil, grants: [], password: Self.password)
        #expect(try store().authenticate("luutru", password: Self.password)?.role == .archivist)
    }

    @Test func aChangedPasswordReplacesTheOldOneAndOutdatesOlderSessions() throws {
        let store = try store()
        try store.add(
            name: "quantri", role: .admin, agency: nil, grants: [], password: Self.password, now: Self.created)
        let changed = Self.created.addingTimeInterval(3600)
        try store.setPassword("quantri", to: "một mật khẩu mới", now: changed)
        #expect(try store.authenticate("quantri", password: Self.password) == nil)
        let account = try #require(try store.authenticate("quantri", password: "một mật khẩu mới"))
        #expect(account.outdates(Self.created.addingTimeInterval(60)))
        #expect(!account.outdates(changed.addingTimeInterval(1)))
        #expect(throws: AccountError.weakPassword) { try store.setPassword("quantri", to: "short") }
        #expect(throws: AccountError.unknown("nobody")) { try store.setPassword("nobody", to: "một mật khẩu mới") }
        #expect(try store.authenticate("quantri", password: "một mật khẩu mới") != nil)
    }

    @Test func aDisabledAccountCannotSignInUntilEnabled() throws {
        let store = try store()
        try store.add(
            name: "luutru", role: .archivist, agency: nil, grants: [], password: Self.password, now: Self.created)
        try store.disable("luutru", now: Self.created.addingTimeInterval(10))
        #expect(try store.account(named: "luutru")?.disabled == true)
        #expect(try store.authenticate("luutru", password: Self.password) == nil)
        try store.enable("luutru", now: Self.created.addingTimeInterval(20))
        #expect(try store.authenticate("luutru", password: Self.password) != nil)
        #expect(throws: AccountError.unknown("nobody")) { try store.disable("nobody") }
        #expect(throws: AccountError.unknown("nobody")) { try store.enable("nobody") }
    }

    @Test func rolesAgenciesAndGrants() throws {
        let store = try store()
        #expect(throws: AccountError.agencyRequired) {
            try store.add(name: "vanthu", role: .clerk, agency: nil, grants: [], password: Self.password)
        }
        #expect(throws: AccountError.agencyRequired) {
            try store.add(name: "vanthu", role: .clerk, agency: "  ", grants: [], password: Self.password)
        }
        #expect(throws: AccountError.invalidAgency("H53")) {
            try store.add(name: "vanthu", role: .clerk, agency: "H53", grants: [], password: Self.password)
        }
        #expect(throws: AccountError.invalidAgency("000.00.09.H53")) {
            try store.add(
                name: "vanthu", role: .clerk, agency: "000.00.09.H53", grants: [], password: Self.password,
                knownAgencies: ["000.00.01.H53"])
        }
        try store.add(
            name: "vanthu", role: .clerk, agency: "000.00.01.H53", grants: [], password: Self.password,
            knownAgencies: ["000.00.01.H53"])
        try store.add(name: "luutru", role: .archivist, agency: nil, grants: [.mat, .toiMat], password: Self.password)
        try store.add(name: "quantri", role: .admin, agency: nil, grants: [], password: Self.password)
        #expect(throws: AccountError.exists("luutru")) {
            try store.add(name: "LuuTru", role: .admin, agency: nil, grants: [], password: Self.password)
        }
        let accounts = try store.list()
        #expect(accounts.map(\.name) == ["luutru", "quantri", "vanthu"])
        #expect(accounts.map(\.role) == [.archivist, .admin, .clerk])
        #expect(accounts[0].grantList == "mat,toi-mat")
        #expect(accounts[1].agency == nil)

        try store.setGrants("luutru", [.tuyetMat], now: Self.created)
        #expect(try store.account(named: "luutru")?.grants == [.tuyetMat])
        try store.setGrants("luutru", [])
        #expect(try store.account(named: "luutru")?.grants == [])
        #expect(throws: AccountError.unknown("nobody")) { try store.setGrants("nobody", [.mat]) }
        #expect(Role.allCases.map(\.label) == ["Văn thư", "Lưu trữ", "Quản trị"])
    }

    @Test func loginNamesAreShortPlainASCII() throws {
        let store = try store()
        for bad in ["", "có dấu", "a b", "x/y", String(repeating: "a", count: 65), "tên"] {
            #expect(!AccountStore.isValidName(bad), "\(bad)")
            #expect(throws: AccountError.self, "\(bad)") {
                try store.add(name: bad, role: .admin, agency: nil, grants: [], password: Self.password)
            }
        }
        for good in ["a", "van.thu-01_b", String(repeating: "a", count: 64)] {
            #expect(AccountStore.isValidName(good), "\(good)")
        }
        #expect(try store.list().isEmpty)
    }

    @Test func passwordsNeedEightCharactersCountedAsCharacters() throws {
        #expect(throws: AccountError.weakPassword) { try PasswordPolicy.check("1234567") }
        #expect(throws: AccountError.weakPassword) { try PasswordPolicy.check("") }
        try PasswordPolicy.check("12345678")
        try PasswordPolicy.check("mậtkhẩuđ")  // 8 characters, more bytes
        #expect(throws: AccountError.weakPassword) { try PasswordPolicy.check("mậtkhẩu") }  // 7 characters, 11 bytes
        #expect(PasswordPolicy.minimumLength == 8)
        #expect(PasswordPolicy.defaultCost >= 12)  // the production cost is not lowered for tests
        let store = try store()
        #expect(throws: AccountError.weakPassword) {
            try store.add(name: "ngan", role: .admin, agency: nil, grants: [], password: "ngắn")
        }
        #expect(try store.account(named: "ngan") == nil)
    }
}
