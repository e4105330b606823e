# A 100 x 60 x 8 mounting plate: four corner holes, a central bore, rounded corners.
import cadquery as cq

result = (
    cq.Workplane("XY")
    .box(100, 60, 8, centered=(True, True, False))
    .edges("|Z").fillet(6)
    .faces(">Z").workplane()
    .rect(80, 40, forConstruction=True).vertices().hole(8)
    .faces(">Z").workplane().hole(20)
)
