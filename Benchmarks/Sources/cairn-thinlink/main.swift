import Foundation
import ThinLink

#if canImport(Glibc)
    import Glibc
#endif

// cairn-thinlink: a thin link (satellite, radio) between two sites on loopback, for the
// benchmarks of issue 15 (scripts/bench-thin.sh). See ThinLinkProxy for the model.
//
//   cairn-thinlink proxy --upstream HOST:PORT [--listen HOST:PORT] [--rate-bits 64000]
//                        [--down-rate-bits N] [--delay-ms 300] [--burst-bytes 0]
//                        [--packet-bytes 1448] [--queue-bytes 65536] [--tcp-handshake on|off]
//                        [--stats FILE]
//       Forwards every connection to --listen (default 127.0.0.1, a free port) to --upstream,
//       shaping each direction: --rate-bits for both (--down-rate-bits for upstream → client),
//       --delay-ms one way. Prints "listening HOST:PORT" on stdout once it listens; one line per
//       connection on stderr; its figures (`key=value`, see LinkStats) to --stats, rewritten
//       whenever they change (at most every 100 ms), and on stdout on SIGUSR1 and at exit
//       (SIGTERM, SIGINT).
//   cairn-thinlink selftest [--bytes 80000] [--rate-bits 64000] [--delay-ms 300] [--pings 5]
//       Measures the proxy itself through an echo server: round trips of one byte, and the rate
//       at which --bytes come back (both directions loaded at once). Prints the figures with
//       what the model predicts and exits 1 when they are off by more than 3% (rate) or
//       5% + 10 ms (round trip).

func usage(_ message: String) -> Never {
    FileHandle.standardError.write(
        Data(
            """
            cairn-thinlink: \(message)
            usage: cairn-thinlink proxy --upstream HOST:PORT [--listen HOST:PORT] [--rate-bits N] [--down-rate-bits N]
                                        [--delay-ms N] [--burst-bytes N] [--packet-bytes N] [--queue-bytes N]
                                        [--tcp-handshake on|off] [--stats FILE]
                   cairn-thinlink selftest [--bytes N] [--rate-bits N] [--delay-ms N] [--pings N]

            """.utf8))
    exit(2)
}

struct Options {
    var values: [String: String] = [:]

    init(_ arguments: [String], allowed: Set<String>) {
        var iterator = arguments.makeIterator()
        while let flag = iterator.next() {
            guard flag.hasPrefix("--"), allowed.contains(String(flag.dropFirst(2))) else { usage("unknown option \(flag)") }
            guard let value = iterator.next() else { usage("\(flag) needs a value") }
            values[String(flag.dropFirst(2))] = value
        }
    }

    func int(_ name: String, _ fallback: Int, minimum: Int = 1) -> Int {
        guard let text = values[name] else { return fallback }
        guard let value = Int(text), value >= minimum else { usage("--\(name) takes a number of at least \(minimum), not \(text)") }
        return value
    }

    func settings() -> ThinLinkProxy.Settings {
        var settings = ThinLinkProxy.Settings()
        settings.upBitsPerSecond = int("rate-bits", settings.upBitsPerSecond)
        settings.downBitsPerSecond = int("down-rate-bits", settings.upBitsPerSecond)
        settings.delaySeconds = Double(int("delay-ms", Int(settings.delaySeconds * 1000), minimum: 0)) / 1000
        settings.burstBytes = int("burst-bytes", settings.burstBytes, minimum: 0)
        settings.packetBytes = int("packet-bytes", settings.packetBytes)
        settings.queueLimitBytes = int("queue-bytes", settings.queueLimitBytes)
        switch values["tcp-handshake"] ?? "on" {
        case "on": settings.emulateTCPHandshake = true
        case "off": settings.emulateTCPHandshake = false
        case let other: usage("--tcp-handshake takes on or off, not \(other)")
        }
        // The queue holds the bytes still propagating too: below twice rate × delay it would cap
        // the throughput below the rate.
        let inFlight = Double(max(settings.upBitsPerSecond, settings.downBitsPerSecond)) / 8 * settings.delaySeconds
        guard Double(settings.queueLimitBytes) >= 2 * inFlight else {
            usage("--queue-bytes must be at least \(Int((2 * inFlight).rounded(.up))) (twice rate × delay) for this link")
        }
        return settings
    }
}

func stderrLine(_ line: String) {
    FileHandle.standardError.write(Data("cairn-thinlink: \(line)\n".utf8))
}

/// Written at once (not through stdio's buffer): a script waits for these lines.
func stdoutText(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}

func runProxy(_ options: Options) -> Never {
    guard let upstreamText = options.values["upstream"] else { usage("--upstream is required") }
    guard let upstream = Sockets.hostPort(upstreamText) else { usage("--upstream takes IPv4 HOST:PORT, not \(upstreamText)") }
    let listenText = options.values["listen"] ?? "127.0.0.1:0"
    guard let listen = Sockets.hostPort(listenText) else { usage("--listen takes IPv4 HOST:PORT, not \(listenText)") }
    // The signals are taken by sigtimedwait below: blocked before any thread exists, so every
    // thread inherits the mask and none is interrupted by them.
    var signals = sigset_t()
    sigemptyset(&signals)
    for signal in [SIGUSR1, SIGTERM, SIGINT, SIGHUP] { sigaddset(&signals, signal) }
    pthread_sigmask(SIG_BLOCK, &signals, nil)
    let proxy: ThinLinkProxy
    do {
        proxy = try ThinLinkProxy(
            host: listen.host, port: listen.port, upstreamHost: upstream.host, upstreamPort: upstream.port,
            settings: options.settings(), log: stderrLine)
    } catch {
        stderrLine("\(error)")
        exit(1)
    }
    let statsPath = options.values["stats"]
    var written = ""
    func writeStats(force: Bool) {
        guard let statsPath else { return }
        let rendered = proxy.renderedStats()
        guard force || rendered != written else { return }
        written = rendered
        // Written whole, then renamed: a script never reads half a file.
        let temporary = statsPath + ".tmp"
        do {
            try Data(rendered.utf8).write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, statsPath) == 0 else {
                stderrLine("cannot rename \(temporary) to \(statsPath): \(String(cString: strerror(errno)))")
                return
            }
        } catch {
            stderrLine("cannot write \(temporary): \(error)")
        }
    }
    writeStats(force: true)
    stdoutText("listening \(proxy.listenAddress)\n")
    var wait = timespec(tv_sec: 0, tv_nsec: 100_000_000)
    while true {
        let signal = sigtimedwait(&signals, nil, &wait)
        writeStats(force: false)
        switch signal {
        case SIGUSR1:
            stdoutText(proxy.renderedStats())
        case SIGTERM, SIGINT, SIGHUP:
            proxy.stop()
            writeStats(force: true)
            stdoutText(proxy.renderedStats())
            exit(0)
        default:
            continue
        }
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first else { usage("a command is needed") }
let rest = Array(arguments.dropFirst())
switch command {
case "proxy":
    runProxy(
        Options(
            rest,
            allowed: [
                "upstream", "listen", "rate-bits", "down-rate-bits", "delay-ms", "burst-bytes", "packet-bytes", "queue-bytes",
                "tcp-handshake", "stats",
            ]))
case "selftest":
    let options = Options(rest, allowed: ["bytes", "rate-bits", "delay-ms", "pings"])
    exit(SelfTest.run(settings: options.settings(), bytes: options.int("bytes", 80_000), pings: options.int("pings", 5)) ? 0 : 1)
default:
    usage("unknown command \(command)")
}
