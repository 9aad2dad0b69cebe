import CairnControl
import Testing

@testable import CairnDaemon

@Suite struct ControlRouteTests {
    private func route(_ method: String, _ target: String) throws -> ControlRoute {
        try ControlRoute.resolve(method: method, target: target)
    }

    private func refusal(_ method: String, _ target: String, sourceLocation: SourceLocation = #_sourceLocation)
        -> ControlErrorCode?
    {
        SiteFixture.refusal({ try route(method, target) }, sourceLocation: sourceLocation)
    }

    @Test func everyRouteResolves() throws {
        #expect(try route("GET", "/v1/status") == .status)
        #expect(try route("GET", "/v1/records") == .listRecords(level: nil, type: nil, tag: nil, deleted: .exclude))
        #expect(try route("POST", "/v1/records") == .putRecord)
        #expect(try route("GET", "/v1/records/r-123") == .getRecord("r-123"))
        #expect(try route("DELETE", "/v1/records/r-123") == .deleteRecord("r-123"))
        #expect(try route("GET", "/v1/records/r-123/history") == .history("r-123"))
    }

    @Test func requiredRights() {
        #expect(ControlRoute.status.requiredRight == .read)
        #expect(ControlRoute.listRecords(level: nil, type: nil, tag: nil, deleted: .only).requiredRight == .read)
        #expect(ControlRoute.getRecord("a").requiredRight == .read)
        #expect(ControlRoute.history("a").requiredRight == .read)
        #expect(ControlRoute.putRecord.requiredRight == .write)
        #expect(ControlRoute.deleteRecord("a").requiredRight == .write)
        #expect(ControlRoute.putRecord.takesBody)
        #expect(!ControlRoute.deleteRecord("a").takesBody)
        #expect(AccessRight.none < .read && AccessRight.read < .write)
    }

    @Test func listQueryIsParsed() throws {
        #expect(
            try route("GET", "/v1/records?class=SECRET&type=incident&tag=north&deleted=include")
                == .listRecords(level: "SECRET", type: "incident", tag: "north", deleted: .include))
        #expect(try route("GET", "/v1/records?deleted=only") == .listRecords(level: nil, type: nil, tag: nil, deleted: .only))
        #expect(
            try route("GET", "/v1/records?deleted=exclude&&tag=a%20b+c")
                == .listRecords(level: nil, type: nil, tag: "a b c", deleted: .exclude))
        #expect(
            try route("GET", "/v1/records?tag=%C3%A9t%C3%A9") == .listRecords(level: nil, type: nil, tag: "été", deleted: .exclude))
        #expect(try route("GET", "/v1/records?class") == .listRecords(level: "", type: nil, tag: nil, deleted: .exclude))
        #expect(
            try route("GET", "/v1/records?conflicts=true")
                == .listRecords(level: nil, type: nil, tag: nil, deleted: .exclude, conflicts: true))
        #expect(try route("GET", "/v1/records?conflicts=false") == .listRecords(level: nil, type: nil, tag: nil, deleted: .exclude))
    }

    @Test func watchTakesALevel() throws {
        #expect(try route("GET", "/v1/watch") == .watch(level: nil))
        #expect(try route("GET", "/v1/watch?class=SECRET") == .watch(level: "SECRET"))
        #expect(ControlRoute.watch(level: "SECRET").requiredRight == .read)
    }

    @Test func idsArePercentDecoded() throws {
        #expect(try route("GET", "/v1/records/r%2D1") == .getRecord("r-1"))
        #expect(try route("DELETE", "/v1/records/a%2eb") == .deleteRecord("a.b"))
        #expect(try route("GET", "/v1/records/x%41y/history") == .history("xAy"))
        // '+' is a space only in the query, never in the path.
        #expect(try route("GET", "/v1/records/a+b") == .getRecord("a+b"))
    }

    @Test func anEncodedSlashStaysInsideItsSegment() throws {
        #expect(try route("GET", "/v1/records/a%2Fhistory") == .getRecord("a/history"))
        #expect(try route("GET", "/v1/records/a%2Fb/history") == .history("a/b"))
    }

    @Test func badQueriesAreBadRequests() {
        #expect(refusal("GET", "/v1/records?colour=red") == .badRequest)
        #expect(refusal("GET", "/v1/records?tag=a&tag=b") == .badRequest)
        #expect(refusal("GET", "/v1/records?deleted=maybe") == .badRequest)
        #expect(refusal("GET", "/v1/records?conflicts=yes") == .badRequest)
        #expect(refusal("GET", "/v1/watch?colour=red") == .badRequest)
        #expect(refusal("GET", "/v1/records?tag=%zz") == .badRequest)
        #expect(refusal("GET", "/v1/records?tag=%4") == .badRequest)
        #expect(refusal("GET", "/v1/records?tag=abc%") == .badRequest)
        #expect(refusal("GET", "/v1/records?tag=%FF") == .badRequest)  // not UTF-8
        #expect(refusal("GET", "/v1/records/a%G1") == .badRequest)
        #expect(refusal("GET", "v1/status") == .badRequest)
        #expect(refusal("GET", "/v1/records/" + String(repeating: "a", count: RequestTarget.maxLength)) == .badRequest)
    }

    @Test func unknownPathsAreNotFound() {
        for target in [
            "/", "/v1", "/v1/", "/v2/status", "/status", "/v1/statuses", "/v1/records/", "/v1/records/a/b",
            "/v1/records/a/history/x", "/v1/records//history", "/v1/status/x",
        ] {
            #expect(refusal("GET", target) == .notFound, "\(target)")
        }
        // An unknown path is not_found whatever the method.
        #expect(refusal("PUT", "/v1/nothing") == .notFound)
    }

    @Test func wrongMethodsAreNotAllowed() {
        #expect(refusal("POST", "/v1/status") == .methodNotAllowed)
        #expect(refusal("DELETE", "/v1/records") == .methodNotAllowed)
        #expect(refusal("PUT", "/v1/records") == .methodNotAllowed)
        #expect(refusal("POST", "/v1/records/a") == .methodNotAllowed)
        #expect(refusal("PUT", "/v1/records/a") == .methodNotAllowed)
        #expect(refusal("DELETE", "/v1/records/a/history") == .methodNotAllowed)
        #expect(refusal("HEAD", "/v1/status") == .methodNotAllowed)
        #expect(refusal("get", "/v1/status") == .methodNotAllowed)
    }
}

/// The audit routes: administrators only, with bounded paging.
@Suite struct AuditRouteTests {
    @Test func auditRoutesNeedTheWriteRight() throws {
        #expect(try ControlRoute.resolve(method: "GET", target: "/v1/audit") == .auditList(after: 0, limit: 1000))
        #expect(try ControlRoute.resolve(method: "GET", target: "/v1/audit?after=5&limit=10") == .auditList(after: 5, limit: 10))
        #expect(try ControlRoute.resolve(method: "GET", target: "/v1/audit/verify") == .auditVerify)
        #expect(try ControlRoute.resolve(method: "GET", target: "/v1/audit/export") == .auditExport)
        for route in [ControlRoute.auditList(after: 0, limit: 1), .auditVerify, .auditExport] {
            #expect(route.requiredRight == .write)
        }
    }

    @Test func badAuditRequestsAreRefused() {
        for (method, target, code) in [
            ("GET", "/v1/audit?limit=0", "bad_request"), ("GET", "/v1/audit?after=-1", "bad_request"),
            ("GET", "/v1/audit?limit=10001", "bad_request"), ("GET", "/v1/audit?since=1", "bad_request"),
            ("POST", "/v1/audit", "method_not_allowed"), ("DELETE", "/v1/audit/verify", "method_not_allowed"),
            ("GET", "/v1/audit/other", "not_found"), ("GET", "/v1/audit/verify/x", "not_found"),
        ] {
            do {
                _ = try ControlRoute.resolve(method: method, target: target)
                Issue.record("\(method) \(target) should be refused")
            } catch DaemonError.request(let refused, _) {
                #expect(refused.rawValue == code, "\(method) \(target)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }
}
