package vk

// Test hooks: make a context treat memory as non-coherent, or copy through
// staging even where device memory is host-visible, so that those paths run
// on lavapipe too (it has one coherent, host-visible memory type).

func ForceNonCoherent(o Options) Options { o.forceNonCoherent = true; return o }

func ForceStaging(o Options) Options { o.forceStaging = true; return o }
