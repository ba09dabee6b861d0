import Dispatch
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe

/// PHP's worker signals: SIGTERM, SIGINT, SIGQUIT finish the jobs in flight then exit 0; SIGUSR2 pauses,
/// SIGCONT resumes. Dispatch sources deliver them on their own queue, outside the cooperative pool.
final class SignalHandler: Sendable {
    let worker: Worker
    private let queue = DispatchQueue(label: "shuttle.signals")
    nonisolated(unsafe) private var sources: [DispatchSourceSignal] = []

    init(worker: Worker) { self.worker = worker }

    func install() {
        let actions: [(Int32, @Sendable (Worker) -> Void)] = [
            (SIGTERM, { $0.stop(reason: "SIGTERM") }),
            (SIGINT, { $0.stop(reason: "SIGINT") }),
            (SIGQUIT, { $0.stop(reason: "SIGQUIT") }),
            (SIGUSR2, { $0.pause() }),
            (SIGCONT, { $0.resume() }),
        ]
        for (number, action) in actions {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            let worker = self.worker
            source.setEventHandler { action(worker) }
            source.resume()
            sources.append(source)
        }
    }
}
