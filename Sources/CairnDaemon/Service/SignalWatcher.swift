import Dispatch
import Foundation

/// Runs a handler whenever the process receives `signal` (SIGHUP: reload peers), instead of
/// the signal's default action. (Unchecked Sendable: the dispatch source is only resumed here and
/// cancelled once, both thread-safe operations.)
final class SignalWatcher: @unchecked Sendable {
    private let source: any DispatchSourceSignal

    init(signal number: Int32, handler: @escaping @Sendable () -> Void) {
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler(handler: handler)
        source.resume()
        self.source = source
    }

    func cancel() {
        source.cancel()
    }
}
