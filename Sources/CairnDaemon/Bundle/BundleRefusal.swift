import CairnControl
import CairnProtocol

/// The refusals of the bundle routes, as control-API errors that say what to do.
enum BundleRefusal {
    static func invalid(_ detail: String) -> DaemonError {
        .request(.bundleInvalid, "the bundle is not valid: \(detail); nothing was stored (ask the sender for a new one)")
    }

    static func invalid(_ error: BundleError) -> DaemonError {
        invalid("\(error)")
    }

    static func foreign(_ what: String) -> DaemonError {
        .request(.bundleForeignFederation, "the \(what) belongs to another federation than this site's; nothing was stored")
    }

    static func notForUs(_ recipient: String) -> DaemonError {
        .request(
            .bundleNotForUs,
            "the bundle was made for \(recipient), not for this device; nothing was stored (import it at that site)")
    }

    static func alreadyImported(_ id: String, at: String?) -> DaemonError {
        .request(
            .bundleAlreadyImported,
            "bundle \(id) was already imported\(at.map { " (\($0))" } ?? ""); nothing was stored again")
    }

    static func unknownDevice(_ ref: String) -> DaemonError {
        .request(
            .deviceNotFound,
            "no device \(ref) is known to this site; export a vector file at that site (cairn bundle vector --out FILE) and pass it here with --since FILE")
    }
}
