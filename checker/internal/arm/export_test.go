package arm

// PointerTo exposes pointerTo to the package's external tests.
var PointerTo = pointerTo
