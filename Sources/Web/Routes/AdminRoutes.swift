import Accounts
import Foundation
import Hummingbird
import Ledger
import NIOPosix
import Packets
import Spool

/// `/quan-tri`: admins list, add, disable and enable accounts. Anyone else gets 403.
struct AdminRoutes {
    let services: WebServices

    func register(on group: RouterGroup<WebContext>) {
        group.get(.init(WebPaths.admin)) { _, context in try await page(context, message: nil, error: nil) }
        group.post(.init(WebPaths.admin + "/tai-khoan")) { _, context in try await add(context) }
        group.post(.init(WebPaths.admin + "/tai-khoan/:name/khoa")) { _, context in try await setDisabled(true, context)
        }
        group.post(.init(WebPaths.admin + "/tai-khoan/:name/mo-khoa")) { _, context in
            try await setDisabled(false, context)
        }
    }

    private func requireAdmin(_ context: WebContext) throws {
        guard context.account?.role == .admin else {
            throw HTTPError(.forbidden, message: "Chỉ quản trị viên được quản lý tài khoản")
        }
    }

    private func page(_ context: WebContext, message: String?, error: String?, status: HTTPResponse.Status = .ok)
        async throws -> Response
    {
        try requireAdmin(context)
        let accounts = services.accounts
        let list = try await NIOThreadPool.singleton.runIfActive { try accounts.list() }
        let spool = services.settings.spool
        let agencies = try await NIOThreadPool.singleton.runIfActive { AgencyRows.rows(spool, now: Date()) }
        // Records due for hand-over to the agency archive within 30 days, or overdue.
        let index = services.desk.index
        let timeZone = ((try? OfficeConfig.load(spool.officeConfig)) ?? OfficeConfig()).calendar.timeZone
        let due = try await NIOThreadPool.singleton.runIfActive {
            HandoverDeadline.due(try index.recordsNotHandedOver(), now: Date(), timeZone: timeZone)
        }
        let handovers: [[String: Any]] = due.map { record, deadline in
            [
                "fileCode": record.fileCode, "title": record.title, "link": WebPaths.record(record.fileCode),
                "deadline": Timestamp.vietnamese(deadline.addingTimeInterval(-1), in: timeZone),
                "overdue": Date() >= deadline,
            ]
        }
        let values: [String: Any] = [
            "message": message ?? "", "error": error ?? "", "agencies": agencies.map(\.values),
            "handovers": handovers, "hasHandovers": !handovers.isEmpty,
            "accounts": list.map { account in
                [
                    "name": account.name, "role": account.role.label, "agency": account.agency ?? "",
                    "grants": account.grants.sorted().map(\.label).joined(separator: ", "),
                    "disabled": account.disabled,
                    "createdAt": Account.date(account.createdAt).map { Timestamp.vietnamese($0) } ?? account.createdAt,
                    "disableAction": WebPaths.admin + "/tai-khoan/\(account.name.urlEncoded)/khoa",
                    "enableAction": WebPaths.admin + "/tai-khoan/\(account.name.urlEncoded)/mo-khoa",
                ] as [String: Any]
            },
            "roles": Role.allCases.map { ["value": $0.rawValue, "label": $0.label] },
            "levels": Secrecy.allCases.map { ["value": $0.rawValue, "label": $0.label] },
            "addAction": WebPaths.admin + "/tai-khoan",
        ]
        return services.pages.render(.admin, title: "Quản lý tài khoản", values, context: context, status: status)
    }

    private func add(_ context: WebContext) async throws -> Response {
        try requireAdmin(context)
        let form = context.form ?? FormFields("")
        guard let name = form["username"], let role = form["role"].flatMap(Role.init(rawValue:)) else {
            return try await page(context, message: nil, error: "Cần tên đăng nhập và vai trò.", status: .badRequest)
        }
        let agency = form["agency"]
        let grants = Set(form.all("grant").compactMap(Secrecy.init(rawValue:)))
        let password = form.raw("password") ?? ""
        let accounts = services.accounts
        do {
            let known = Set(services.desk.names.keys)
            try await NIOThreadPool.singleton.runIfActive {
                try accounts.add(
                    name: name, role: role, agency: agency, grants: grants, password: password, knownAgencies: known)
            }
        } catch let error as AccountError {
            return try await page(context, message: nil, error: error.description, status: .badRequest)
        }
        return try await page(context, message: "Đã tạo tài khoản \(name).", error: nil)
    }

    private func setDisabled(_ disabled: Bool, _ context: WebContext) async throws -> Response {
        try requireAdmin(context)
        guard let name = context.parameters.get("name")?.removingPercentEncoding else { throw HTTPError(.notFound) }
        if disabled, name == context.account?.name {
            return try await page(
                context, message: nil, error: "Không thể tự khóa tài khoản đang dùng.", status: .badRequest)
        }
        let accounts = services.accounts
        do {
            try await NIOThreadPool.singleton.runIfActive {
                disabled ? try accounts.disable(name) : try accounts.enable(name)
            }
        } catch let error as AccountError {
            return try await page(context, message: nil, error: error.description, status: .notFound)
        }
        if disabled { await services.sessions.removeAll(user: name) }
        return try await page(
            context, message: disabled ? "Đã khóa tài khoản \(name)." : "Đã mở lại tài khoản \(name).", error: nil)
    }
}
