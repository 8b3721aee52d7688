// Package compose is the small framework every layer composes through: it
// converts typed provider structs into composed resources, stamps labels,
// decides readiness from observed conditions and refuses to drop observed
// stateful resources. Layers only say what they want.
package compose
