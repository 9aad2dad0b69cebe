extension ControlErrorCode {
    /// The bundle was made for another device (its recipient is not this site's device).
    public static let bundleNotForUs = ControlErrorCode("bundle_not_for_us", httpStatus: 422)
    /// The bundle (or vector file) belongs to another federation.
    public static let bundleForeignFederation = ControlErrorCode("bundle_foreign_federation", httpStatus: 422)
    /// This site imported the bundle already (or is importing it now).
    public static let bundleAlreadyImported = ControlErrorCode("bundle_already_imported", httpStatus: 409)
    /// The bundle (or vector file) is damaged, truncated, altered or badly signed, or carries
    /// something that does not verify.
    public static let bundleInvalid = ControlErrorCode("bundle_invalid", httpStatus: 422)
    /// No device of that `agency/name` is known to this site.
    public static let deviceNotFound = ControlErrorCode("device_not_found", httpStatus: 404)

    /// The codes of the bundle routes.
    public static let bundleCodes: [ControlErrorCode] = [
        .bundleNotForUs, .bundleForeignFederation, .bundleAlreadyImported, .bundleInvalid, .deviceNotFound,
    ]
}
