import Dispatch

/// Carries values into `DispatchQueue.concurrentPerform`'s @Sendable closure.
///
/// @unchecked Sendable: `parallelMap` hands each iteration one element to read and one result slot to write,
/// never shared between iterations; what the elements share (the agencies' signers) is only read, and OpenSSL
/// allows one key to sign from several threads at once.
private struct Unchecked<T>: @unchecked Sendable {
    let value: T
}

extension Array {
    /// `map` over the elements on every core at once, results in order. For independent pieces of work each
    /// touching only its own files (building packets, assembling deliveries).
    func parallelMap<T>(_ transform: (Element) -> T) -> [T] {
        guard count > 1 else { return map(transform) }
        var results = [T?](repeating: nil, count: count)
        withoutActuallyEscaping(transform) { transform in
            results.withUnsafeMutableBufferPointer { buffer in
                let work = Unchecked(value: (elements: self, transform: transform, slots: buffer))
                DispatchQueue.concurrentPerform(iterations: count) { index in
                    work.value.slots[index] = work.value.transform(work.value.elements[index])
                }
            }
        }
        return results.map { $0! }
    }
}
