import CairnControl
import Testing

@testable import CairnDaemon

/// The reclassify and retract routes: write right, a body, and nothing else on those paths.
@Suite struct ReclassifyRouteTests {
    @Test func theRoutesResolveAndNeedTheWriteRight() throws {
        let reclassify = try ControlRoute.resolve(method: "POST", target: "/v1/records/r-1/reclassify")
        let retract = try ControlRoute.resolve(method: "POST", target: "/v1/records/r%2F1/retract")
        #expect(reclassify == .reclassifyRecord("r-1"))
        #expect(retract == .retractRecord("r/1"))
        for route in [reclassify, retract] {
            #expect(route.requiredRight == .write)
            #expect(route.takesBody)
        }
        #expect(reclassify.name == "records.reclassify" && retract.name == "records.retract")
        #expect(try ControlRoute.resolve(method: "GET", target: "/v1/records/r-1/history") == .history("r-1"))
    }

    @Test func otherMethodsAndPathsAreRefused() {
        #expect(SiteFixture.refusal { try ControlRoute.resolve(method: "GET", target: "/v1/records/r-1/reclassify") } == .methodNotAllowed)
        #expect(SiteFixture.refusal { try ControlRoute.resolve(method: "POST", target: "/v1/records/r-1/history") } == .methodNotAllowed)
        #expect(SiteFixture.refusal { try ControlRoute.resolve(method: "POST", target: "/v1/records/r-1/erase") } == .notFound)
    }
}
