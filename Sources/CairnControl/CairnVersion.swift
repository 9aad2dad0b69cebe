/// The release of this source tree, in one place: what `cairn --version` and `cairnd --version`
/// print, what the daemon reports in its status document (and so `cairn status`), and what
/// README.md and Docs/ name (`CairnVersionDocsTests` fails when they name another).
///
/// It lives in `CairnControl` because that is the module the daemon and the CLI share.
public enum CairnVersion {
    /// `major.minor.patch`.
    public static let string = "0.4.0"

    /// `major.minor`: how the docs name a release ("release 0.4").
    public static var release: String {
        string.split(separator: ".").prefix(2).joined(separator: ".")
    }
}
