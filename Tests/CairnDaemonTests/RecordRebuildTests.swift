import CairnModel
import Testing

@testable import CairnDaemon

/// Recomputing a record from the changes that remain, and which refusals blame a sender.
@Suite struct RecordRebuildTests {
    static let alice = try! DeviceID([UInt8](repeating: 1, count: 32))
    static let mallory = try! DeviceID([UInt8](repeating: 9, count: 32))
    static let id = try! RecordID("r-1")

    static func change(_ author: DeviceID, _ wall: UInt64, _ operations: [Operation]) -> Change {
        Change(author: author, level: "SECRET", hlc: HLCTimestamp(wallMillis: wall, counter: 0), operations: operations)
    }

    /// A field the withdrawn author wrote over falls back to what remains; its tag, its new
    /// field and its deletion disappear; the result is what a site that never saw it holds.
    @Test func aFieldFallsBackToTheRemainingWrites() throws {
        let created = Self.change(
            Self.alice, 10,
            [.setType(record: Self.id, type: "note"), .setField(record: Self.id, name: "v", value: .string("a"), observed: CausalContext())])
        var seen = CausalContext()
        seen.join(CausalContext([Self.alice: HLCTimestamp(wallMillis: 10, counter: 0)]))
        let thief = Self.change(
            Self.mallory, 20,
            [
                .setField(record: Self.id, name: "v", value: .string("b"), observed: seen),
                .setField(record: Self.id, name: "w", value: .string("c"), observed: CausalContext()),
                .addTag(record: Self.id, tag: "x"), .delete(record: Self.id),
            ])
        let all = try #require(try RecordRebuild.state(of: Self.id, at: "SECRET", from: [thief, created]))
        #expect(all.view().fields["v"] == .string("b") && all.isDeleted)

        let rebuilt = try #require(try RecordRebuild.state(of: Self.id, at: "SECRET", from: [created]))
        var expected = RecordState.new(id: Self.id, level: "SECRET", first: created.stamp)
        for operation in created.operations { try expected.apply(operation, stamp: created.stamp) }
        #expect(rebuilt == expected)
        #expect(rebuilt.view().fields == ["v": .string("a")] && rebuilt.view().tags.isEmpty && !rebuilt.isDeleted)
    }

    /// A concurrent value that the withdrawn write had settled becomes a conflict again.
    @Test func aSettledConflictComesBack() throws {
        let bob = try DeviceID([UInt8](repeating: 2, count: 32))
        let one = Self.change(Self.alice, 10, [.setField(record: Self.id, name: "v", value: .string("a"), observed: CausalContext())])
        let two = Self.change(bob, 11, [.setField(record: Self.id, name: "v", value: .string("b"), observed: CausalContext())])
        let settle = Self.change(
            Self.mallory, 30,
            [.setField(record: Self.id, name: "v", value: .string("c"), observed: CausalContext([Self.alice: one.hlc, bob: two.hlc]))])
        let held = try #require(try RecordRebuild.state(of: Self.id, at: "SECRET", from: [one, two, settle]))
        #expect(held.view().conflicts.isEmpty)
        let rebuilt = try #require(try RecordRebuild.state(of: Self.id, at: "SECRET", from: [two, one]))
        #expect(rebuilt.view().fields["v"] == .string("b"))
        #expect(rebuilt.view().conflicts["v"]?.count == 1)
    }

    /// A record only the withdrawn author wrote is gone; changes of other records or levels and
    /// withdrawals are not folded; the order of the changes does not matter.
    @Test func onlyTheRecordsOwnChangesAtItsLevelCount() throws {
        let other = try RecordID("r-2")
        let mine = Self.change(Self.alice, 10, [.setType(record: other, type: "note")])
        #expect(try RecordRebuild.state(of: Self.id, at: "SECRET", from: [mine]) == nil)
        var elsewhere = Self.change(Self.alice, 12, [.setType(record: Self.id, type: "x")])
        elsewhere.level = "RESTRICTED"
        #expect(try RecordRebuild.state(of: Self.id, at: "SECRET", from: [elsewhere]) == nil)
        let a = Self.change(Self.alice, 10, [.setType(record: Self.id, type: "note"), .addTag(record: Self.id, tag: "t")])
        let b = Self.change(Self.mallory, 5, [.setField(record: Self.id, name: "v", value: .int(1), observed: CausalContext())])
        #expect(try RecordRebuild.state(of: Self.id, at: "SECRET", from: [a, b]) == RecordRebuild.state(of: Self.id, at: "SECRET", from: [b, a]))
        #expect(try RecordRebuild.state(of: Self.id, at: "SECRET", from: [a, b])?.created == b.stamp)
    }

    @Test func onlyHostileRefusalsBlameTheSender() {
        for code in ["bad_signature", "malformed", "above_sender_clearance", "above_our_clearance", "level_not_declared",
            "broken_chain", "sender_equivocation", "a_code_added_later"]
        {
            #expect(DeltaRefusal.blamesSender(code), "\(code)")
        }
        for code in ["author_revoked", "author_certificate_not_valid", "unknown_author", "above_author_clearance", "equivocation",
            "gap_too_large", "waiting_full"]
        {
            #expect(!DeltaRefusal.blamesSender(code), "\(code)")
        }
    }
}
