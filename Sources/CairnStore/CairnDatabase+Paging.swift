import GRDB

extension CairnDatabase {
    /// Rows fetched per page by the `forEach…` readers: small enough to bound memory, large
    /// enough that the per-page query cost disappears.
    static let pageSize = 256

    /// Walks a table in row id order a page at a time.
    ///
    /// Each page is read with a cursor in its own short read transaction, and `body` runs after
    /// it ends. So `body` may call back into the store (GRDB connections are not reentrant), a
    /// long walk never pins an old WAL snapshot, and rows appended during the walk are visited too.
    ///
    /// - Parameters:
    ///   - sql: A SELECT whose last two parameters are "row id greater than" and "limit", ordered
    ///     by row id, with the row id in column `rowidColumn`.
    ///   - arguments: The parameters before those two.
    func forEachPage<T>(
        _ operation: String, sql: String, arguments: StatementArguments = [], rowidColumn: Int,
        decode: (Row) throws -> T, _ body: (T) throws -> Bool
    ) throws {
        var after = Int64.min
        while true {
            let page: [(rowid: Int64, item: T)] = try read(operation) { db in
                let statement = try db.cachedStatement(sql: sql)
                let rows = try Row.fetchCursor(statement, arguments: arguments + [after, Self.pageSize])
                var page: [(rowid: Int64, item: T)] = []
                page.reserveCapacity(Self.pageSize)
                while let row = try rows.next() {
                    page.append((try row.int64(rowidColumn, table: "page"), try decode(row)))
                }
                return page
            }
            for entry in page {
                guard try body(entry.item) else {
                    return
                }
            }
            guard page.count == Self.pageSize, let last = page.last else {
                return
            }
            after = last.rowid
        }
    }

    /// `COUNT(*)` of `table`, of one level or of all.
    func count(_ table: String, level: String?) throws -> Int {
        try read("count \(table) rows") { db in
            if let level {
                let statement = try db.cachedStatement(sql: "SELECT COUNT(*) FROM \(table) WHERE level = ?")
                return try Int.fetchOne(statement, arguments: [level]) ?? 0
            }
            return try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM \(table)")) ?? 0
        }
    }

    /// Row counts of `table` per level.
    func countsPerLevel(_ table: String) throws -> [String: Int] {
        try read("count \(table) rows per level") { db in
            let statement = try db.cachedStatement(sql: "SELECT level, COUNT(*) FROM \(table) GROUP BY level")
            var counts: [String: Int] = [:]
            let rows = try Row.fetchCursor(statement)
            while let row = try rows.next() {
                counts[try row.string(0, table: table)] = Int(try row.int64(1, table: table))
            }
            return counts
        }
    }
}
