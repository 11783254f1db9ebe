import Foundation

extension FieldRefError {
    /// The human-readable part of a core error, for a screen to show (the generated
    /// `errorDescription` is the debug form, `FieldRefError.NotFound(detail: ...)`).
    public var detail: String {
        switch self {
        case let .NotFound(detail), let .InvalidInput(detail), let .Storage(detail),
             let .Network(detail), let .NotEnrolled(detail):
            return detail
        case let .RetryLater(_, detail), let .UpdateRefused(_, detail):
            return detail
        case let .Refused(_, _, detail):
            return detail
        case let .DataFromNewerApp(_, _, detail):
            return detail
        }
    }
}
