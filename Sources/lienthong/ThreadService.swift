import Foundation
import Intake
import ServiceLifecycle

/// Runs a scheduled service's loop on a thread of its own (a long rotation or backup never holds a thread of the
/// concurrency pool), until the loop returns; a graceful shutdown asks the loop to stop through `control`.
enum ThreadService {
    static func run(named name: String, control: LoopControl, _ loop: @escaping @Sendable () -> Void) async {
        await withGracefulShutdownHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let thread = Thread {
                    loop()
                    continuation.resume()
                }
                thread.name = name
                thread.start()
            }
        } onGracefulShutdown: {
            control.requestStop()
        }
    }
}
