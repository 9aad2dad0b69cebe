import CairnStore

/// The security paths whose store reads fail closed, as a metric label.
enum StorePath: String, Sendable, CaseIterable {
    /// Receiving or writing a record's withdrawal (reclassification, retraction).
    case withdrawal
    /// Replacing delta envelopes by their redacted form.
    case redaction
    /// Reading the charter history, to apply or pass on an amendment.
    case charter
    /// Retroactive revocation: finding and withdrawing what a revoked device wrote.
    case revocation
    /// Placing and applying received deltas.
    case ingest
    /// Checking and storing a bundle.
    case bundleImport = "bundle_import"
}

extension SiteService {
    /// Runs a store read on a security path. A failure fails the job it belongs to (the write,
    /// the ingest batch, the commit group): it is never read as "not withdrawn", "nothing to
    /// redact" or "applied". It is counted in `cairn_store_failures_total{path}` and logged
    /// without record data (store errors name tables, operations and hex ids only).
    func storeRead<T>(_ path: StorePath, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SiteError {
            throw error
        } catch {
            storeFailed(path, error)
            throw SiteError.failed("the store could not be read (\(error)); nothing was changed, retry once it is repaired")
        }
    }

    /// Counts and logs a store failure on `path` that the caller turns into an error of its own.
    func storeFailed(_ path: StorePath, _ error: any Error) {
        metrics.count("cairn_store_failures_total", [("path", path.rawValue)])
        logger.error("store.failed_closed", metadata: .error(error, ["path": "\(path.rawValue)"]))
    }
}
