import Foundation

/// The bundle routes of the control API. Bundles can be far larger than ordinary documents, so
/// these calls send and receive raw bytes with their own, larger bounds; the daemon never opens
/// the administrator's files: this client reads and writes them and streams their bytes.
extension ControlClient {
    /// Largest bundle or vector file this client sends or accepts (the daemon's own bound).
    public static let maxBundleBytes = 256 * 1024 * 1024

    /// `POST /v1/bundles/export`: the bundle file for a recipient, and what it carries.
    public func exportBundle(_ request: BundleExportRequest) throws(ControlClientError) -> (bundle: Data, document: BundleExportDocument) {
        let body: Data
        do {
            body = try ControlJSON.compactEncoder().encode(request)
        } catch {
            throw .invalidRequest("the request could not be encoded: \(error)")
        }
        let response = try sendBytes(method: "POST", path: "/v1/bundles/export", body: body, contentType: "application/json")
        guard response.isSuccess else { throw response.refusal() }
        guard let header = response.header("cairn-bundle") else { throw .badResponse("the export has no Cairn-Bundle header") }
        let document: BundleExportDocument
        do {
            document = try ControlJSON.decoder().decode(BundleExportDocument.self, from: Data(header.utf8))
        } catch {
            throw .badResponse("the Cairn-Bundle header is not a BundleExportDocument: \(ControlJSON.describe(error))")
        }
        return (response.body, document)
    }

    /// `GET /v1/bundles/vector`: this site's signed vector file, for a sender to export against.
    public func bundleVector() throws(ControlClientError) -> Data {
        let response = try sendBytes(method: "GET", path: "/v1/bundles/vector", body: nil, contentType: nil)
        guard response.isSuccess else { throw response.refusal() }
        return response.body
    }

    /// `POST /v1/bundles/import`: checks a bundle and (unless `dryRun`) stores what it carries.
    public func importBundle(_ bundle: Data, dryRun: Bool) throws(ControlClientError) -> BundleImportDocument {
        let path = ControlPath.withQuery("/v1/bundles/import", [("dry_run", dryRun ? "true" : "false")])
        let response = try sendBytes(method: "POST", path: path, body: bundle, contentType: "application/octet-stream")
        guard response.isSuccess else { throw response.refusal() }
        return try response.decode(BundleImportDocument.self)
    }

    /// `POST /v1/bundles/import?progress=true`: as `importBundle(_:dryRun:)`, calling `progress`
    /// with each progress line as the daemon works.
    public func importBundle(
        _ bundle: Data, dryRun: Bool, progress: (BundleProgressEvent) -> Void
    ) throws(ControlClientError) -> BundleImportDocument {
        let path = ControlPath.withQuery("/v1/bundles/import", [("dry_run", dryRun ? "true" : "false"), ("progress", "true")])
        return try bundleEvents(path: path, body: bundle, contentType: "application/octet-stream", what: "import") {
            event throws(ControlClientError) -> BundleImportDocument? in
            guard event.event == "result" else {
                progress(event)
                return nil
            }
            guard let result = event.result else { throw .badResponse("a result line without its result") }
            return result
        }
    }

    /// `POST /v1/bundles/export?progress=true`: as `exportBundle(_:)`, calling `progress` with
    /// each progress line (reading, sealing, then the bundle's bytes arriving) as it goes.
    public func exportBundle(
        _ request: BundleExportRequest, progress: (BundleProgressEvent) -> Void
    ) throws(ControlClientError) -> (bundle: Data, document: BundleExportDocument) {
        let body: Data
        do {
            body = try ControlJSON.compactEncoder().encode(request)
        } catch {
            throw .invalidRequest("the request could not be encoded: \(error)")
        }
        let path = ControlPath.withQuery("/v1/bundles/export", [("progress", "true")])
        var bundle = Data()
        let document = try bundleEvents(path: path, body: body, contentType: "application/json", what: "export") {
            event throws(ControlClientError) -> BundleExportDocument? in
            switch event.event {
            case "chunk":
                guard let text = event.data, let slice = Data(base64Encoded: text), slice.count <= BundleProgressEvent.maxChunkBytes,
                    bundle.count + slice.count <= Self.maxBundleBytes
                else { throw .badResponse("a bundle chunk is malformed or the bundle is too large") }
                bundle.append(slice)
                progress(event)
                return nil
            case "export":
                guard let document = event.export else { throw .badResponse("an export line without its document") }
                guard document.bytes == bundle.count else {
                    throw .badResponse("the bundle arrived with \(bundle.count) bytes, not the \(document.bytes) announced")
                }
                return document
            default:
                progress(event)
                return nil
            }
        }
        return (bundle, document)
    }

    /// Sends a bundle request with progress and reads its NDJSON events: `handle` gets each one
    /// (but errors) and returns the result when it ends the stream; an `error` event is thrown
    /// as the daemon's refusal.
    private func bundleEvents<T>(
        path: String, body: Data, contentType: String, what: String,
        _ handle: (BundleProgressEvent) throws(ControlClientError) -> T?
    ) throws(ControlClientError) -> T {
        let connection = try UnixSocketConnection(path: socketPath, timeout: timeout)
        try connection.writeAll(Self.rawRequest(method: "POST", path: path, body: body, contentType: contentType))
        var outcome: Result<T, ControlClientError>?
        _ = try Self.readLines(from: connection) { line throws(ControlClientError) in
            let event: BundleProgressEvent
            do {
                event = try ControlJSON.decoder().decode(BundleProgressEvent.self, from: Data(line))
            } catch {
                throw .badResponse("a progress line is not a bundle event: \(error)")
            }
            if event.event == "error" {
                let error = event.error ?? BundleProgressError(code: "internal", message: "the \(what) failed")
                outcome = .failure(.refused(status: Self.status(of: error.code), code: error.code, message: error.message))
                return false
            }
            guard let result = try handle(event) else { return true }
            outcome = .success(result)
            return false
        }
        guard let outcome else { throw .badResponse("the \(what) stream ended without its result") }
        return try outcome.get()
    }

    /// Sends one request with a raw body and reads a response of up to `maxBundleBytes`.
    private func sendBytes(method: String, path: String, body: Data?, contentType: String?) throws(ControlClientError) -> ControlResponse {
        if let body, body.count > Self.maxBundleBytes {
            throw .invalidRequest("the file has \(body.count) bytes; at most \(Self.maxBundleBytes) can be sent")
        }
        let connection = try UnixSocketConnection(path: socketPath, timeout: timeout)
        try connection.writeAll(Self.rawRequest(method: method, path: path, body: body, contentType: contentType))
        var parser = HTTPResponseParser(maxBodyBytes: Self.maxBundleBytes)
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        while !parser.isComplete {
            let count = try connection.read(into: &buffer)
            if count == 0 { return try parser.finish() }
            try parser.feed(buffer[..<count])
        }
        return try parser.finish()
    }

    static func rawRequest(method: String, path: String, body: Data?, contentType: String?) -> [UInt8] {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nUser-Agent: cairn/0.1\r\nConnection: close\r\n"
        if let body {
            head += "Content-Type: \(contentType ?? "application/octet-stream")\r\nContent-Length: \(body.count)\r\n"
        } else if method != "GET" {
            head += "Content-Length: 0\r\n"
        }
        head += "\r\n"
        return Array(head.utf8) + (body.map { Array($0) } ?? [])
    }


    private static func status(of code: String) -> Int {
        (ControlErrorCode.all + ControlErrorCode.bundleCodes).first { $0.rawValue == code }?.httpStatus ?? 500
    }
}
