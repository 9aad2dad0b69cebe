import Foundation
import ThinLink

/// `cairn-thinlink selftest`: the proxy measured against its own model, so that a benchmark's
/// figures over it can be trusted (and a loaded machine that cannot keep the schedule shows).
///
/// The proxy can only be late, never early (a byte is written once its time has come), so each
/// figure must lie between the model's earliest value (less 1 ms for clock reads) and its latest
/// plus a margin: 3% of it or 20 ms, whichever is larger.
enum SelfTest {
    static func run(settings: ThinLinkProxy.Settings, bytes: Int, pings: Int) -> Bool {
        do {
            let echo = try EchoServer()
            defer { echo.stop() }
            let proxy = try ThinLinkProxy(port: 0, upstreamHost: "127.0.0.1", upstreamPort: echo.port, settings: settings)
            defer { proxy.stop() }
            let figures = try LinkProbe.measure(port: proxy.port, bytes: bytes, pings: pings)
            let stats = proxy.stats.snapshot
            let model = Expected(settings: settings, bytes: bytes)
            var ok = true
            func check(_ name: String, _ measured: Double, _ expected: ClosedRange<Double>, _ note: String = "") {
                let margin = max(0.03 * expected.upperBound, 0.020)
                let within = measured >= expected.lowerBound - 0.001 && measured <= expected.upperBound + margin
                ok = ok && within
                let range =
                    expected.lowerBound == expected.upperBound
                    ? String(format: "%.1f", expected.lowerBound * 1000)
                    : String(format: "%.1f-%.1f", expected.lowerBound * 1000, expected.upperBound * 1000)
                print("\(name)=\(String(format: "%.1f", measured * 1000)) expected=\(range)\(note)\(within ? "" : " OUT OF BOUNDS")")
            }
            check("round_trip_ms", figures.medianRoundTrip, model.roundTrip...model.roundTrip, " (median of \(figures.roundTrips.count))")
            check("first_echo_ms", figures.firstEcho, model.firstEcho...model.firstEcho,
                settings.emulateTCPHandshake ? " (TCP handshake emulated)" : "")
            check("transfer_ms", figures.transfer, model.transfer, " (\(bytes) bytes echoed and verified)")
            check("close_round_trip_ms", figures.closeRoundTrip, model.closeRoundTrip...model.closeRoundTrip)
            print(String(format: "rate_bytes_per_s=%.0f link=%.0f", figures.rate, model.rate))
            let expectedBytes = bytes + pings + 1
            let bytesOK = stats.bytesUp == expectedBytes && stats.bytesDown == expectedBytes
            ok = ok && bytesOK
            print("bytes_up=\(stats.bytesUp) bytes_down=\(stats.bytesDown) expected=\(expectedBytes) each")
            print(String(format: "late_ms mean=%.2f max=%.2f over %d writes", stats.meanLateness * 1000, stats.maxLateness * 1000, stats.deliveries))
            print(ok ? "selftest: ok" : "selftest: FAILED (the proxy does not keep its model's schedule on this machine now)")
            return ok
        } catch {
            print("selftest: FAILED: \(error)")
            return false
        }
    }

    /// What `LinkProbe.measure` should see over a link that keeps the model exactly.
    struct Expected {
        let rate: Double
        let roundTrip: Double
        let firstEcho: Double
        let transfer: ClosedRange<Double>
        let closeRoundTrip: Double

        init(settings: ThinLinkProxy.Settings, bytes: Int) {
            let up = Double(settings.upBitsPerSecond) / 8
            let down = Double(settings.downBitsPerSecond) / 8
            rate = min(up, down)
            // One byte each way: its serialisation on both legs, two delays.
            roundTrip = 2 * settings.delaySeconds + 1 / up + 1 / down
            // Dialling: one more round trip (SYN, SYN-ACK) when the handshake is emulated.
            firstEcho = (settings.emulateTCPHandshake ? 2 * settings.delaySeconds : 0) + roundTrip
            // The echo streams back as it arrives: every byte through the slower leg, the last
            // packet (1 byte to a full one: reads cut the stream) through the faster one, and a
            // delay each way.
            let earliest = Double(bytes) / rate + 2 * settings.delaySeconds
            transfer = earliest...(earliest + Double(min(settings.packetBytes, bytes)) / max(up, down))
            closeRoundTrip = 2 * settings.delaySeconds
        }
    }
}
