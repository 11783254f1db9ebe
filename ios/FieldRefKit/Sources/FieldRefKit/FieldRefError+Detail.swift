import Foundation

extension FieldRefError {
    /// The human-readable part of a core error, for a screen to show (the generated
    /// `errorDescription` is the debug form, `FieldRefError.NotFound(detail: ...)`).
    public var detail: String {
        switch self {
        case let .NotFound(detail), let .InvalidInput(detail), let .Storage(detail),
             let .Network(detail), let .UpdateRefused(detail):
            return detail
        }
    }
}
