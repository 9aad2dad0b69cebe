
import CairnProtocol

/// The refusals of the bundle routes, as control-API errors that say what to do.
enum BundleRefusal {
    /// The refusals that are the bundle's fault (audited as `bundle.refused`), not the site's.
    static let codes: Set<Refusal> = [.bundleNotForUs, .bundleForeignFederation, .bundleAlreadyImported, .bundleInvalid, .deviceNotFound]

    static func invalid(_ detail: String) -> SiteError {
        SiteError.refused(.bundleInvalid, "the bundle is not valid: \(detail); nothing was stored (ask the sender for a new one)")
    }

    static func invalid(_ error: BundleError) -> SiteError {
        invalid("\(error)")
    }

    static func foreign(_ what: String) -> SiteError {
        SiteError.refused(.bundleForeignFederation, "the \(what) belongs to another federation than this site's; nothing was stored")
    }

    static func notForUs(_ recipient: String) -> SiteError {
        SiteError.refused(
            .bundleNotForUs,
            "the bundle was made for \(recipient), not for this device; nothing was stored (import it at that site)")
    }

    static func alreadyImported(_ id: String, at: String?) -> SiteError {
        SiteError.refused(
            .bundleAlreadyImported,
            "bundle \(id) was already imported\(at.map { " (\($0))" } ?? ""); nothing was stored again")
    }

    static func unknownDevice(_ ref: String) -> SiteError {
        SiteError.refused(
            .deviceNotFound,
            "no device \(ref) is known to this site; export a vector file at that site (cairn bundle vector --out FILE) and pass it here with --since FILE")
    }
}
