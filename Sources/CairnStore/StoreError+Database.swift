import GRDB

extension StoreError {
    /// Translates any error raised while touching the database into a `StoreError`, so that GRDB
    /// and SQLite types never reach callers. `StoreError`s (thrown by our own checks inside a
    /// transaction) pass through unchanged.
    static func wrapping(_ error: any Error, path: String, operation: String) -> StoreError {
        if let error = error as? StoreError {
            return error
        }
        if let error = error as? ColumnMismatch {
            return .corrupt(path: path, detail: error.detail)
        }
        guard let error = error as? DatabaseError else {
            return .database(operation: operation, detail: String(describing: error))
        }
        let detail = Self.detail(of: error)
        switch error.resultCode {
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return .corrupt(path: path, detail: detail)
        case .SQLITE_FULL:
            return .diskFull(path: path)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .busy(path: path, detail: detail)
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_AUTH:
            return .cannotOpen(path: path, detail: detail)
        default:
            return .database(operation: operation, detail: detail)
        }
    }

    /// SQLite's own message and code, without the SQL text or its arguments.
    private static func detail(of error: DatabaseError) -> String {
        let code = "SQLite error \(error.extendedResultCode.rawValue)"
        guard let message = error.message, !message.isEmpty else {
            return code
        }
        return "\(message), \(code)"
    }
}
