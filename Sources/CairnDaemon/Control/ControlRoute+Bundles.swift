import CairnControl

extension ControlRoute {
    /// Largest request body of the route, checked before it is buffered: a bundle upload may be
    /// far larger than a document (the CLI streams the file's bytes; the daemon never opens the
    /// administrator's paths), a vector file inside an export request a little larger.
    var maxBodyBytes: Int {
        switch self {
        case .bundleImport: return ControlClient.maxBundleBytes
        case .bundleExport: return 24 * 1024 * 1024
        default: return ControlAPI.maxRequestBodyBytes
        }
    }

    /// Whether the route answers with NDJSON progress lines, then its result.
    var streamsProgress: Bool {
        if case .bundleImport(_, progress: true) = self { return true }
        if case .bundleExport(progress: true) = self { return true }
        return false
    }

    /// `/v1/bundles/export?progress=` (POST), `/v1/bundles/import?dry_run=&progress=` (POST)
    /// and `/v1/bundles/vector` (GET).
    static func bundleRoute(method: String, rest: [String], query: [String: String], path: String) throws -> ControlRoute {
        guard rest.count == 2 else { throw DaemonError.request(.notFound, "no route \(path) (the API lives under /v1/)") }
        let expected: String
        let route: ControlRoute
        func flag(_ name: String) throws -> Bool {
            switch query[name] {
            case nil, "false": return false
            case "true": return true
            default: throw DaemonError.request(.badRequest, "\(name) must be true or false")
            }
        }
        func only(_ known: Set<String>) throws {
            if let key = Set(query.keys).subtracting(known).sorted().first {
                throw DaemonError.request(
                    .badRequest, "unknown query parameter \"\(key)\" (known: \(known.sorted().joined(separator: ", ")))")
            }
        }
        switch rest[1] {
        case "export":
            try only(["progress"])
            (expected, route) = ("POST", .bundleExport(progress: try flag("progress")))
        case "vector":
            (expected, route) = ("GET", .bundleVector)
        case "import":
            try only(["dry_run", "progress"])
            (expected, route) = ("POST", .bundleImport(dryRun: try flag("dry_run"), progress: try flag("progress")))
        default:
            throw DaemonError.request(.notFound, "no route \(path) (the API lives under /v1/)")
        }
        guard method == expected else { throw DaemonError.request(.methodNotAllowed, "\(method) is not allowed on \(path)") }
        return route
    }
}
