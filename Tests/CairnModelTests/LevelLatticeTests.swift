import CairnModel
import Testing

@Suite("Level lattice")
struct LevelLatticeTests {
    let lattice = LevelLattice.standard

    @Test("the standard lattice ranks its four levels lowest first")
    func standardRanks() {
        #expect(lattice.names == ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET"])
        #expect(lattice.rank(of: "UNCLASSIFIED") == 0)
        #expect(lattice.rank(of: "SECRET") == 3)
        #expect(lattice.rank(of: "TOP_SECRET") == nil)
        #expect(lattice.contains("RESTRICTED"))
        #expect(!lattice.contains("restricted"))
    }

    @Test("clearance covers its level and those below, and unknown levels deny")
    func atOrBelow() {
        #expect(lattice.isAtOrBelow("RESTRICTED", "CONFIDENTIAL"))
        #expect(lattice.isAtOrBelow("CONFIDENTIAL", "CONFIDENTIAL"))
        #expect(!lattice.isAtOrBelow("SECRET", "CONFIDENTIAL"))
        #expect(!lattice.isAtOrBelow("BOGUS", "SECRET"))
        #expect(!lattice.isAtOrBelow("UNCLASSIFIED", "BOGUS"))
        #expect(lattice.levels(atOrBelow: "RESTRICTED") == ["UNCLASSIFIED", "RESTRICTED"])
        #expect(lattice.levels(atOrBelow: "SECRET") == lattice.names)
        #expect(lattice.levels(atOrBelow: "BOGUS") == [])
    }

    @Test("a charter's lattice must be non-empty, unique and well named")
    func construction() throws {
        #expect(throws: ModelError.emptyLattice) { try LevelLattice([]) }
        #expect(throws: ModelError.duplicateLevel("A")) { try LevelLattice(["A", "B", "A"]) }
        #expect(throws: ModelError.invalidLevelName("lower")) { try LevelLattice(["lower"]) }
        #expect(throws: ModelError.invalidLevelName("")) { try LevelLattice([""]) }
        #expect(throws: ModelError.invalidLevelName("HAS SPACE")) { try LevelLattice(["HAS SPACE"]) }
        let long = String(repeating: "X", count: 33)
        #expect(throws: ModelError.invalidLevelName(long)) { try LevelLattice([long]) }
        let custom = try LevelLattice(["OPEN", "TEAM_2", String(repeating: "X", count: 32)])
        #expect(custom.rank(of: "TEAM_2") == 1)
    }
}
