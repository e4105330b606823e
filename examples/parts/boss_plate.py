# A 70 x 70 x 10 plate with a cylindrical boss (d 30, 25 high) and a 14 bore through both.
import cadquery as cq

result = (
    cq.Workplane("XY")
    .box(70, 70, 10, centered=(True, True, False))
    .faces(">Z").workplane().circle(15).extrude(25)
    .faces(">Z").workplane().hole(14)
    .faces("<Z").workplane().rect(50, 50, forConstruction=True).vertices().hole(6)
)
