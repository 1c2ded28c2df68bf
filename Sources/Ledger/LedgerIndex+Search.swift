import Foundation
import GRDB
import Packets

extension LedgerIndex {
    /// Searches the catalog (call `syncCatalog` first for packets archived since). Newest first (in archiving order).
    public func search(_ query: ArchiveQuery) throws -> ArchiveResults {
        var joins = "FROM catalog c"
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let fts = query.ftsQuery {
            joins = "FROM packetText t JOIN catalog c ON c.id = t.rowid"
            conditions.append("packetText MATCH ?")
            arguments.append(fts)
        }
        /// An agency given as a code (matched exactly) or as words of its name (matched in the folded names).
        func agency(_ text: String?, code codeCondition: String, names namesColumn: String) {
            guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return }
            if let code = AgencyCode(text) {
                conditions.append(codeCondition)
                arguments.append(code.rawValue)
            } else {
                conditions.append("\(namesColumn) LIKE ? ESCAPE '\\'")
                arguments.append("%" + Self.likeEscaped(VietnameseFolding.fold(text)) + "%")
            }
        }
        agency(query.sender, code: "c.sender = ?", names: "c.senderFolded")
        agency(
            query.recipient, code: "EXISTS (SELECT 1 FROM recipient r WHERE r.packetId = c.packetId AND r.agency = ?)",
            names: "c.recipientNames")
        if let type = query.typeName.map(VietnameseFolding.fold), !type.isEmpty {
            conditions.append("c.typeFolded = ?")
            arguments.append(type)
        }
        if let from = query.issuedFrom {
            conditions.append("c.issuedDate >= ?")
            arguments.append(from.description)
        }
        if let to = query.issuedTo {
            conditions.append("c.issuedDate <= ?")
            arguments.append(to.description)
        }
        if let priority = query.priority, !priority.isEmpty {
            conditions.append("c.priority = ?")
            arguments.append(priority)
        }
        if let secrecy = query.secrecy, !secrecy.isEmpty {
            if secrecy == "none" {
                conditions.append("c.secrecy IS NULL")
            } else {
                conditions.append("c.secrecy = ?")
                arguments.append(secrecy)
            }
        }
        if let number = query.number.map(VietnameseFolding.fold), !number.isEmpty {
            conditions.append("(c.numberFolded = ? OR c.numberFolded LIKE ? ESCAPE '\\')")
            arguments += [number, Self.likeEscaped(number) + "/%"]
        }
        if let scope = query.agencyScope {
            let marks = scope.map { _ in "?" }.joined(separator: ", ")
            conditions.append(
                scope.isEmpty
                    ? "0"
                    : "(c.sender IN (\(marks)) OR EXISTS (SELECT 1 FROM recipient r WHERE r.packetId = c.packetId AND r.agency IN (\(marks))))"
            )
            arguments += scope + scope
        }
        if let allowed = query.allowedSecrecy {
            let levels = allowed.sorted()
            conditions.append(
                levels.isEmpty
                    ? "c.secrecy IS NULL"
                    : "(c.secrecy IS NULL OR c.secrecy IN (\(levels.map { _ in "?" }.joined(separator: ", "))))")
            arguments += levels
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let statementArguments = StatementArguments(arguments.map { $0?.databaseValue ?? .null })
        return try pool.read { db in
            let total =
                try Int.fetchOne(db, sql: "SELECT COUNT(*) \(joins) \(whereClause)", arguments: statementArguments) ?? 0
            // Newest first is the catalog's own order (descending id), which FTS5 and the table give without a sort.
            let order = query.ftsQuery == nil ? "c.id DESC" : "t.rowid DESC"
            let page = try Row.fetchAll(
                db, sql: "SELECT c.packetId \(joins) \(whereClause) ORDER BY \(order) LIMIT ? OFFSET ?",
                arguments: statementArguments + [max(0, query.limit), max(0, query.offset)])
            let ids: [String] = page.map { $0["packetId"] }
            let rows =
                ids.isEmpty
                ? []
                : try Row.fetchAll(
                    db,
                    sql: """
                        SELECT p.packetId, p.sender, c.senderName, p.codeNumber, p.codeNotation, p.issuedDate, p.typeName, p.subject, c.signer,
                               p.priority, p.secrecy, p.packedAt,
                               (SELECT group_concat(agency, ' ') FROM (SELECT agency FROM recipient r WHERE r.packetId = p.packetId ORDER BY agency)) AS recipients
                        FROM packet p JOIN catalog c ON c.packetId = p.packetId WHERE p.packetId IN (\(ids.map { _ in "?" }.joined(separator: ", ")))
                        ORDER BY c.id DESC
                        """, arguments: StatementArguments(ids))
            return ArchiveResults(total: total, hits: rows.map(Self.hit))
        }
    }

    static func hit(_ row: Row) -> ArchiveHit {
        let recipients: String? = row["recipients"]
        return ArchiveHit(
            packetId: row["packetId"], sender: row["sender"], senderName: row["senderName"],
            recipients: recipients?.split(separator: " ").map(String.init) ?? [],
            numberAndNotation: "\(row["codeNumber"] as String)/\(row["codeNotation"] as String)",
            issuedDate: row["issuedDate"], typeName: row["typeName"], subject: row["subject"], signer: row["signer"],
            priority: row["priority"], secrecy: row["secrecy"], packedAt: row["packedAt"])
    }

    static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}
