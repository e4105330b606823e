# A 60 x 40 x 30 block with chamfered top edges and a blind counterbored hole.
import cadquery as cq

result = (
    cq.Workplane("XY")
    .box(60, 40, 30, centered=(True, True, False))
    .faces(">Z").edges().chamfer(4)
    .faces(">Z").workplane()
    .cboreHole(10, 18, 6)
)
