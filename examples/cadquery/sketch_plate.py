# A plate drawn with the Sketch API (CAD-Recode style): a rectangle with a slot and two holes.
import cadquery as cq

w0 = cq.Workplane("XY")
r = (
    w0.sketch()
    .rect(50, 30)
    .push([(-15, 0), (15, 0)])
    .circle(4, mode="s")
    .reset()
    .slot(12, 5, mode="s")
    .finalize()
    .extrude(6)
)
