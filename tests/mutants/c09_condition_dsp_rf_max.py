"""With a condition_dsp, the reported receptive field is the larger of the model's own and the
condition_dsp's, instead of their composition (RF_cond + RF_own − 1).

Catalogue: 9 (receptive field miscomputed with condition_dsp: max instead of sum)
Caught by: reported_facts
Run: test_receptive_field.py -k "test_reported_receptive_field and arch.convnet"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402

from conformance.adapters.reference import ReferenceModel  # noqa: E402


class MaxOfBoth(ReferenceModel):
    def info(self):
        info = super().info()
        config = self.model.submodel(self.size).config
        condition = getattr(config, "condition", None)
        if condition is not None and condition.config.receptive_field() is not None:
            own = 1 + config._own_receptive_field()
            info["receptive_field"] = max(own, condition.config.receptive_field())
        return info


class ConditionReceptiveFieldMax(Mutant):
    model_class = MaxOfBoth


def create_adapter():
    return ConditionReceptiveFieldMax()
