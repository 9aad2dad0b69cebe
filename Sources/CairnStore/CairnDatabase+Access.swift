import GRDB

extension CairnDatabase {
    /// Runs `body` in a read transaction, translating failures into `StoreError`.
    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        try faults.check(operation)
        do {
            return try writer.read(body)
        } catch {
            throw StoreError.wrapping(error, path: path, operation: operation)
        }
    }

    /// Runs `body` on the writer's connection outside any transaction, translating failures into
    /// `StoreError`: for the one writer's own reads between its commits (never inside a write).
    func readOnWriter<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        try faults.check(operation)
        do {
            return try writer.writeWithoutTransaction(body)
        } catch {
            throw StoreError.wrapping(error, path: path, operation: operation)
        }
    }

    /// Runs `body` in a write transaction (all or nothing), translating failures into `StoreError`.
    func write<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        try faults.check(operation)
        do {
            return try writer.write(body)
        } catch {
            throw StoreError.wrapping(error, path: path, operation: operation)
        }
    }

    /// Runs `body` (outside any transaction), translating failures into `StoreError`.
    func access<T>(_ operation: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw StoreError.wrapping(error, path: path, operation: operation)
        }
    }
}
