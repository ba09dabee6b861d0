import Foundation

/// Runs `body` on a fresh database of `backend`, dropping it afterwards whatever happens.
public func withDatabase(_ backend: SparkTestDatabase.Backend, seedMaster: Bool = true, seed: SparkTestDatabase.Seed = .monzo,
                         _ body: (SparkTestDatabase) async throws -> Void) async throws {
    let db = try await SparkTestDatabase.make(backend, seedMaster: seedMaster, seed: seed)
    do {
        try await body(db)
    } catch {
        try? await db.close()
        throw error
    }
    try await db.close()
}
