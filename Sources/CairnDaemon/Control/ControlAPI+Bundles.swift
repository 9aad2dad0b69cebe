import CairnControl
import Foundation

extension ControlAPI {
    /// The bundle routes that answer at once: export (the bundle file, with what it carries in
    /// the `Cairn-Bundle` header), vector (the signed vector file) and import without progress.
    func respondBundle(_ route: ControlRoute, body: [UInt8], caller: PeerCredentials) throws -> ControlReply {
        let actor = "uid:\(caller.uid)"
        switch route {
        case .bundleExport:
            let request = try exportRequest(body)
            let (bundle, exported) = try site.bundles.exportBundle(for: request.recipient, since: try Self.since(request), budget: Self.bundleContentBudget, actor: actor)
            let document = DocumentMapping.document(exported)
            let summary = String(decoding: try ControlJSON.compactEncoder().encode(document), as: UTF8.self)
            return ControlReply(status: 200, body: bundle, contentType: "application/octet-stream", headers: [("Cairn-Bundle", summary)])
        case .bundleVector:
            return ControlReply(status: 200, body: try site.bundles.vectorFile(actor: actor), contentType: "application/octet-stream")
        case .bundleImport(let dryRun, _):
            return .json(200, DocumentMapping.document(try site.bundles.importBundle(body, dryRun: dryRun, actor: actor)))
        default:
            throw DaemonError.request(.notFound, "not a bundle route")
        }
    }

    private func exportRequest(_ body: [UInt8]) throws -> BundleExportRequest {
        do {
            return try ControlJSON.decoder().decode(BundleExportRequest.self, from: Data(body))
        } catch {
            throw DaemonError.request(.invalidJSON, "the export request is not {\"for\": \"agency/name\", \"since\": base64?}: \(error)")
        }
    }

    /// Envelope bytes one bundle carries at most, below the importer's upload bound.
    static let bundleContentBudget = ControlClient.maxBundleBytes - 8 * 1024 * 1024

    /// The vector file an export request carries (base64), if any.
    private static func since(_ request: BundleExportRequest) throws -> [UInt8]? {
        guard let since = request.since else { return nil }
        guard let bytes = Data(base64Encoded: since) else { throw DaemonError.request(.badRequest, "since must be base64") }
        return Array(bytes)
    }

    /// An import or export with progress: calls `emit` with each NDJSON line as the work goes
    /// (progress; for an export then the bundle in `chunk` lines), and returns the last line
    /// (the result, or the error), newline included.
    func streamBundle(_ route: ControlRoute, body: [UInt8], caller: PeerCredentials, emit: (([UInt8]) -> Void)) -> [UInt8] {
        let encoder = ControlJSON.compactEncoder()
        func line(_ event: BundleProgressEvent) -> [UInt8] {
            ((try? encoder.encode(event)).map(Array.init) ?? Array(#"{"event":"error"}"#.utf8)) + [UInt8(ascii: "\n")]
        }
        var status = 200
        let final: BundleProgressEvent
        do {
            switch route {
            case .bundleImport(let dryRun, _):
                let result = try site.bundles.importBundle(body, dryRun: dryRun, actor: "uid:\(caller.uid)") {
                    emit(line(DocumentMapping.event($0)))
                }
                final = BundleProgressEvent(event: "result", result: DocumentMapping.document(result))
            case .bundleExport:
                let request = try exportRequest(body)
                let (bundle, exported) = try site.bundles.exportBundle(
                    for: request.recipient, since: try Self.since(request), budget: Self.bundleContentBudget, actor: "uid:\(caller.uid)"
                ) { emit(line(DocumentMapping.event($0))) }
                let document = DocumentMapping.document(exported)
                var offset = 0
                while offset < bundle.count {
                    let end = min(offset + BundleProgressEvent.maxChunkBytes, bundle.count)
                    emit(line(BundleProgressEvent(event: "chunk", done: end, total: bundle.count, data: Data(bundle[offset..<end]).base64EncodedString())))
                    offset = end
                }
                final = BundleProgressEvent(event: "export", export: document)
            default:
                throw DaemonError.request(.notFound, "not a bundle route")
            }
        } catch {
            if let (code, message) = controlRefusal(of: error) {
                status = code.httpStatus
                logger.notice(
                    "control.refused", metadata: route.logMetadata(caller: caller, record: nil, site: site, ["error.code": "\(code.rawValue)"]))
                final = BundleProgressEvent(event: "error", error: BundleProgressError(code: code.rawValue, message: message))
            } else {
                status = 500
                logger.error("control.failed", metadata: .error(error, route.logMetadata(caller: caller, record: nil, site: site)))
                final = BundleProgressEvent(event: "error", error: BundleProgressError(code: "internal", message: "internal error: \(error)"))
            }
        }
        site.metrics.count("cairn_control_requests_total", [("route", route.name), ("status", String(status))])
        return line(final)
    }
}
